// Reads the .env file of the working directory into process.env, as .env.example promises. A variable already set in
// the environment wins over the file (even set empty), and a missing .env is fine. Imported first by the server and
// by every script that reads the configuration, before anything reads process.env.
import path from "node:path";

const file = path.resolve(".env");
try {
  process.loadEnvFile(file);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}
