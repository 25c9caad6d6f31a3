// Test helpers: a local core per test file, and a clean supertokens-node init against it.
import { createRequire } from "node:module";
import { connect } from "node:net";
import SuperTokens from "supertokens-node";
import type { TypeInput } from "supertokens-node/types";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type LocalCore, type LocalCoreOptions, startLocalCore } from "../../local-core/index.ts";

/** Starts a local core on a free port before the file's tests and closes it after them. */
export function withLocalCore(options: LocalCoreOptions = {}): LocalCore {
  let core: LocalCore | undefined;
  beforeAll(async () => {
    core = await startLocalCore({ port: 0, ...options });
  });
  afterAll(async () => {
    await core?.close();
  });
  return new Proxy({} as LocalCore, {
    get(_, prop) {
      if (core === undefined)
        throw new Error("the local core starts in beforeAll; use it inside tests or hooks");
      const value: unknown = Reflect.get(core, prop);
      return typeof value === "function" ? value.bind(core) : value;
    },
  });
}

/** After each test, undoes a test's delay, fault or stop: the next test gets a healthy core. */
export function healCoreAfterEach(core: LocalCore): void {
  afterEach(async () => {
    core.setDelay(0);
    core.setFault(null);
    await core.restart();
  });
}

const require = createRequire(import.meta.url);
type Resettable = { default: { reset(): void } };
const RECIPES = [
  "session",
  "emailpassword",
  "userroles",
  "accountlinking",
  "emailverification",
  "multitenancy",
  "usermetadata",
];

/**
 * supertokens-node is a singleton; this resets it (its own testing hooks, TEST_MODE=testing) and inits it again,
 * so one test file can talk to several apps.
 */
export function initSuperTokens(input: {
  connectionURI: string;
  apiKey?: string;
  recipeList: TypeInput["recipeList"];
}): void {
  process.env.TEST_MODE = "testing";
  (require("supertokens-node/lib/build/supertokens") as Resettable).default.reset();
  for (const recipe of RECIPES) {
    (require(`supertokens-node/lib/build/recipe/${recipe}/recipe`) as Resettable).default.reset();
  }
  const { ProcessState } = require("supertokens-node/lib/build/processState") as {
    ProcessState: { getInstance(): { reset(): void } };
  };
  ProcessState.getInstance().reset();
  SuperTokens.init({
    framework: "custom",
    supertokens: { connectionURI: input.connectionURI, apiKey: input.apiKey },
    appInfo: {
      appName: "session-roles test",
      apiDomain: "http://localhost:3001",
      websiteDomain: "http://localhost:3000",
    },
    recipeList: input.recipeList,
  });
}

let appCounter = 0;

/** A fresh, isolated app on the core (like supertokens-node's own `createCoreApplication`). */
export function uniqueAppId(prefix = "t"): string {
  appCounter += 1;
  return `${prefix}-${process.pid}-${appCounter}-${Date.now().toString(36)}`;
}

/** Whether nothing accepts a TCP connection at host:port within a second (refused, unroutable or silent). */
export function connectionRefused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("timeout", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(true));
  });
}
