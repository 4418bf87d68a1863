import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";
import remixConfig from "./remix.config.js";

export default defineConfig({
  plugins: [remix(remixConfig), tsconfigPaths()],
  server: { host: "127.0.0.1" },
  // PGlite and the argon2 binding load files and native code at run time: they must stay out of the bundle.
  ssr: { external: ["@electric-sql/pglite", "@node-rs/argon2", "pg"] },
  optimizeDeps: { exclude: ["@electric-sql/pglite"] },
});
