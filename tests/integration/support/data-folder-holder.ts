// Child processes for the data-folder tests: a process holding an embedded database open as the portal does
// (hold-data-folder.ts), and the project's scripts run with tsx, their exit code and output collected.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const root = path.resolve(import.meta.dirname, "../../..");
export const tsx = path.join(root, "node_modules/.bin/tsx");

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tsx <args>` from the project's root; never throws on a non-zero exit. */
export async function runScript(args: string[], env: NodeJS.ProcessEnv): Promise<ScriptResult> {
  try {
    const { stdout, stderr } = await run(tsx, args, { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Starts a process that opens DATA_DIR's database as the portal does and keeps it open until stopHolder. */
export async function startHolder(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // node with tsx's loader rather than the tsx binary: the pid is then the very process holding the folder.
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(root, "tests/integration/support/hold-data-folder.ts")],
    {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready\n")) resolve();
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`the holder exited (${code}): ${output}`)));
  });
  return child;
}

/** Stops the holder as the portal is stopped (SIGTERM: it closes its database) and waits for it to exit. */
export async function stopHolder(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
