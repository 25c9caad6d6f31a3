import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `npm run roles -- <args>` (without npm's noise) against the given core. */
export async function rolesCli(coreUrl: string, ...args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/roles.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, SUPERTOKENS_CONNECTION_URI: coreUrl },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const [code] = (await once(child, "exit")) as [number];
  return { code, stdout: stdout.trim(), stderr: stderr.trim() };
}
