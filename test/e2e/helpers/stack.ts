// The local stack for end-to-end tests: free ports, silent unless E2E_VERBOSE is set.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Stack, type StackOptions, startStack as start } from "../../../scripts/stack.ts";

export type { Stack };

// Built once per test process into its own folder, so parallel test files never see a half-written dist/.
const outDir = join(tmpdir(), `session-roles-e2e-${process.pid}`);
process.once("exit", () => rmSync(outDir, { recursive: true, force: true }));

export function startStack(options: StackOptions = {}): Promise<Stack> {
  return start({
    port: 0,
    outDir,
    corePort: 0,
    log: process.env.E2E_VERBOSE ? (line) => console.log(`  | ${line}`) : undefined,
    ...options,
  });
}
