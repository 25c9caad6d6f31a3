import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `node <args>` (this Node, or the binary `node` names) in the repo root with `input` on stdin, and collects its output. */
export async function runNode(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; node?: string } = {},
) {
  const child = spawn(options.node ?? process.execPath, args, { cwd: ROOT, env: options.env ?? process.env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(options.input);
  // "close", not "exit": all output has been read by then.
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stdout, stderr };
}

/** Runs `npm run roles -- <args>` (without npm's noise) against the given core. */
export function rolesCli(coreUrl: string, ...args: string[]) {
  return rolesCliWithEnv({}, coreUrl, ...args);
}

/** The same, with extra environment variables (e.g. SUPERTOKENS_API_KEY). */
export async function rolesCliWithEnv(env: NodeJS.ProcessEnv, coreUrl: string, ...args: string[]) {
  const { code, stdout, stderr } = await runNode(["--import", "tsx", "scripts/roles.ts", ...args], {
    env: { ...process.env, SUPERTOKENS_CONNECTION_URI: coreUrl, ...env },
  });
  return { code, stdout: stdout.trim(), stderr: stderr.trim() };
}
