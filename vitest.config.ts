// Three suites: pure unit tests beside the code, integration tests against a real database (PGlite, or the
// PostgreSQL server named by DATABASE_URL), and browser tests against the built portal.
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: [
            "app/**/*.test.{ts,tsx}",
            "server/**/*.test.ts",
            "db/**/*.test.ts",
            "workflows/**/*.test.ts",
            "templates/**/*.test.ts",
            "scripts/**/*.test.ts",
          ],
          environment: "node",
          // The model-based statechart tests and the PDF assembly take seconds on a busy 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          // A fixed secret keeps the session cookie deterministic; no test writes into ./data.
          env: { SESSION_SECRET: "integration-tests-secret-0123456789abcdef", DATA_DIR: ".cache/test-data" },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
