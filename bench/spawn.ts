/** A bench child process (bench/child.mjs) that answers JSON lines: spawn it and read its answers. */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "child.mjs");

export interface ChildHandle {
  /** process.hrtime.bigint() just before the spawn. */
  spawnedAt: bigint;
  /** Resolves with each JSON line the child prints, in order (with `receivedAt`, hrtime). */
  next(): Promise<Record<string, unknown>>;
  send(line: string): void;
  done: Promise<void>;
}

/**
 * `execArgv` go before the script (e.g. `--cpu-prof`); `node` is the runtime's binary (default: the
 * Node running the bench). The child sees only PATH, `env` and its input.
 */
export function startChild(
  input: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  execArgv: string[] = [],
  node: string = process.execPath,
): ChildHandle {
  const spawnedAt = process.hrtime.bigint();
  const child = spawn(node, [...execArgv, CHILD], {
    env: { PATH: process.env.PATH, ...env, BENCH_INPUT: JSON.stringify(input) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: Array<(value: Record<string, unknown>) => void> = [];
  let buffer = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf("\n"); at >= 0; at = buffer.indexOf("\n")) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {}
      if (parsed?.bench !== true) {
        // A bundle's own log line (Powertools writes JSON to stdout): not an answer.
        stderr += `${line}\n`;
        continue;
      }
      parsed = { ...parsed, receivedAt: process.hrtime.bigint() };
      const waiter = waiters.shift();
      if (waiter) waiter(parsed);
      else lines.push(parsed);
    }
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`bench child exited ${code}: ${stderr}`)),
    );
  });
  // A child that fails is reported by whoever awaits `next()` or `done`; never as an unhandled rejection.
  done.catch(() => {});
  return {
    spawnedAt,
    done,
    next: () => {
      const line = lines.shift();
      if (line) return Promise.resolve(line);
      return Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiters.push(resolve)),
        done.then(() => {
          throw new Error(`bench child ended without an answer: ${stderr}`);
        }),
      ]);
    },
    send: (line) => child.stdin.write(`${line}\n`),
  };
}
