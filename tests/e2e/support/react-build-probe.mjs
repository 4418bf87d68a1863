// Preloaded into a portal process by a test (NODE_OPTIONS=--import): when the process exits, appends to the file
// named by REACT_BUILD_REPORT the React files it has actually loaded (react/cjs/react.production.min.js or
// react.development.js…), which is what says whether the server renders with React's production build.
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const report = process.env.REACT_BUILD_REPORT;

if (report) {
  process.on("exit", () => {
    // Node's ESM loader lists the targets of a CommonJS re-export in the cache without running them: loaded ones only.
    const loaded = Object.entries(require.cache)
      .filter(([file, module]) => module?.loaded && /[\\/]react(-dom)?[\\/]cjs[\\/]/.test(file))
      .map(([file]) => path(file));
    if (loaded.length > 0) appendFileSync(report, loaded.join("\n") + "\n");
  });
}

function path(file) {
  return file.slice(file.lastIndexOf("node_modules") + "node_modules/".length).replaceAll("\\", "/");
}
