// NODE_ENV picks which build of React and the other libraries the process loads; the deployment mode (production:
// SESSION_SECRET required, Secure cookie, no demo accounts) is APP_ENV. `npm start` serves the production builds
// whatever the operator set, `npm run dev` (--dev) keeps NODE_ENV as it is. The operator's NODE_ENV still says the
// deployment mode when APP_ENV is unset: it is recorded in APP_ENV first. See docs/decisions/016.
// Imported by server/index.ts before anything that loads React.

const MODES = ["development", "production", "test"];

if (!process.argv.includes("--dev")) {
  const operatorNodeEnv: string = process.env.NODE_ENV ?? "";
  // A value the portal does not know stays where it is, for the configuration to refuse it by its name.
  if (process.env.APP_ENV || operatorNodeEnv === "" || MODES.includes(operatorNodeEnv)) {
    process.env.APP_ENV ||= operatorNodeEnv || "development";
    process.env.NODE_ENV = "production";
  }
}
