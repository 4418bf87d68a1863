// The demo load's shards in child processes (`npm run demo:data -- --processes K` on a database server): one
// Node.js process keeps one core busy while the server waits on it, so K processes keep a K-core machine and its
// server busy. The parent keeps the clock (timers, side effects); each child plays its shard's candidacies one
// simulated day when told to, over the IPC channel of child_process.fork (docs/decisions/031).
import { type ChildProcess, fork } from "node:child_process";
import type { DemoShard, DemoShardProgress, DemoShardSetup } from "../../app/services/demo-data";

/** Set in a child's environment: the script then serves one shard instead of running a load. */
export const DEMO_SHARD_CHILD = "VAE_DEMO_DATA_SHARD_CHILD";

type ToChild = { type: "setup"; setup: DemoShardSetup } | { type: "day"; day: number } | { type: "end" };
type FromChild =
  | { type: "ready" }
  | { type: "done"; day: number; progress: DemoShardProgress }
  | { type: "failed"; message: string };

/** Forks `script` once per shard and returns the shards as the runner sees them. */
export async function forkDemoShards(script: string, setup: Omit<DemoShardSetup, "shardIndex">): Promise<DemoShard[]> {
  const children: ChildProcess[] = [];
  // However the load ends (a failed shard throws out of the runner), no child outlives it.
  process.once("exit", () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  });
  try {
    return await Promise.all(
      Array.from({ length: setup.shardCount }, async (_, shardIndex) => {
        const child = fork(script, [], {
          env: { ...process.env, [DEMO_SHARD_CHILD]: "1" },
          execArgv: process.execArgv,
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        children.push(child);
        return remoteShard(child, { ...setup, shardIndex });
      }),
    );
  } catch (error) {
    for (const child of children) child.kill();
    throw error;
  }
}

function remoteShard(child: ChildProcess, setup: DemoShardSetup): Promise<DemoShard> {
  let waiting: { resolve: (message: FromChild) => void; reject: (error: Error) => void } | null = null;
  let gone: Error | null = null;
  const fail = (error: Error) => {
    gone ??= error;
    waiting?.reject(gone);
    waiting = null;
  };
  child.on("message", (message: FromChild) => {
    if (message.type === "failed") return fail(new Error(`demo data shard ${setup.shardIndex}: ${message.message}`));
    const current = waiting;
    waiting = null;
    current?.resolve(message);
  });
  child.on("exit", (code, signal) =>
    fail(new Error(`demo data shard ${setup.shardIndex} stopped (${signal ?? `exit code ${code}`})`)),
  );
  child.on("error", fail);
  const ask = (message: ToChild) =>
    new Promise<FromChild>((resolve, reject) => {
      if (gone) return reject(gone);
      waiting = { resolve, reject };
      child.send(message);
    });
  return ask({ type: "setup", setup }).then(() => ({
    async runDay(day) {
      const answer = await ask({ type: "day", day });
      if (answer.type !== "done" || answer.day !== day)
        throw new Error(`demo data shard ${setup.shardIndex}: out of step`);
      return answer.progress;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (gone || child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send({ type: "end" } satisfies ToChild);
      }),
  }));
}

/** The child's side: opens its shard on the setup it receives, plays the days it is told, ends when told. */
export function serveDemoShard(open: (setup: DemoShardSetup) => Promise<DemoShard>): Promise<void> {
  return new Promise((resolve, reject) => {
    let shard: DemoShard | null = null;
    const send = (message: FromChild) => process.send?.(message);
    // The parent's death closes the channel: a child never outlives its load.
    process.on("disconnect", () => reject(new Error("the demo data runner went away")));
    process.on("message", async (message: ToChild) => {
      try {
        if (message.type === "setup") {
          shard = await open(message.setup);
          send({ type: "ready" });
        } else if (message.type === "day") {
          if (!shard) throw new Error("no setup received");
          send({ type: "done", day: message.day, progress: await shard.runDay(message.day) });
        } else {
          await shard?.close();
          process.removeAllListeners("disconnect");
          process.disconnect?.();
          resolve();
        }
      } catch (error) {
        send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        reject(error);
      }
    });
  });
}
