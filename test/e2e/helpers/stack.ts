// The local stack for end-to-end tests: free ports, silent unless E2E_VERBOSE is set.
import { type Stack, type StackOptions, startStack as start } from "../../../scripts/stack.ts";

export type { Stack };

export function startStack(options: StackOptions = {}): Promise<Stack> {
  return start({
    port: 0,
    corePort: 0,
    log: process.env.E2E_VERBOSE ? (line) => console.log(`  | ${line}`) : undefined,
    ...options,
  });
}
