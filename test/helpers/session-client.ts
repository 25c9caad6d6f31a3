// A client's view of a session, for tests: everything in ./session-requests.ts, plus the hooks that
// start a local core and sign a user in before a file's tests.
import { beforeAll } from "vitest";
import type { LocalCore, LocalCoreOptions } from "../../local-core/index.ts";
import { healCoreAfterEach, withLocalCore } from "./core.ts";
import { type Credentials, createSession, startSuperTokens, type TransferMode } from "./session-requests.ts";

export * from "./session-requests.ts";

/** This file's local core, with supertokens-node started against it (plus `env`) before the file's tests. */
export function withSuperTokens(
  options: { core?: LocalCoreOptions; env?: Record<string, string> } = {},
): LocalCore {
  const core = withLocalCore(options.core);
  beforeAll(async () => {
    await startSuperTokens(core.url, options.env);
  });
  return core;
}

/**
 * A user signed in by `how` in beforeAll, after the hooks registered before this call. Filled in
 * place so a file can keep it in a const; empty until then.
 */
export function withSignedInUser(
  mode: TransferMode,
  how: (mode: TransferMode) => Promise<Credentials> = createSession,
): Credentials {
  const user = {} as Credentials;
  beforeAll(async () => {
    Object.assign(user, await how(mode));
  });
  return user;
}

/**
 * withSuperTokens with CORE_TIMEOUT_MS set, for a file whose tests slow down, fault or stop the core:
 * each test's breakage is undone after it.
 */
export function withBreakableCore(coreTimeoutMs: number): LocalCore {
  const core = withSuperTokens({ env: { CORE_TIMEOUT_MS: String(coreTimeoutMs) } });
  healCoreAfterEach(core);
  return core;
}
