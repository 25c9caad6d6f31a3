/**
 * supertokens-node's lifecycle in a function, owned here and readable without loading it: what it was
 * started with, whether this bundle's (or process's) supertokens-node is loaded, its side of the
 * pipeline loaded on first need and started (./supertokens-bridge.ts, which starts it through
 * ./supertokens.ts), and the init-phase work a bundle's entry waits for. The pipeline asks only this.
 */
import type { Config } from "../config/core.ts";

/**
 * What SuperTokens was started with, readable without loading supertokens-node (the quick verify
 * path asks it before deciding whether it may answer alone).
 */
export interface Started {
  config: Config;
  /**
   * No recipe besides Session and UserRoles adds a claim every session must pass (EmailVerification in
   * REQUIRED mode does, and so may a recipe we do not know): only then may a token be vouched for
   * without supertokens-node's claim check.
   */
  noGlobalClaims: boolean;
}

let started: Started | undefined;

export function recordStart(value: Started): void {
  started = value;
}

export function startedWith(): Started | undefined {
  return started;
}

/** Extra recipes known to add no global claim validator. */
export const RECIPES_WITHOUT_GLOBAL_CLAIMS = new Set(["emailpassword", "emailverification (OPTIONAL)"]);

/** `true` or the bundle's name in a bundle built by scripts/bundler (an esbuild `define`); undeclared elsewhere. */
declare const __SESSION_ROLES_BUNDLE__: string | boolean | undefined;

/**
 * The global a bundle's own supertokens-node sets once it was evaluated (scripts/bundler/tricks.ts
 * appends the line), one per bundle: a host that runs several functions in one process (a local
 * server) keeps them apart. A global, not a call into this module: a `require` of an ES module from
 * supertokens-node's CommonJS would make esbuild wrap every module loaded at start in a lazy
 * initialiser, which V8 then parses twice on a cold start.
 */
export const superTokensNodeLoadedKey = (bundle: string | boolean): string =>
  `__sessionRolesSuperTokensNodeLoaded:${bundle}`;

/** This bundle's key, named once (undefined unbundled). */
const LOADED_KEY =
  typeof __SESSION_ROLES_BUNDLE__ !== "undefined"
    ? superTokensNodeLoadedKey(__SESSION_ROLES_BUNDLE__)
    : undefined;

const loadedInBundle = () =>
  LOADED_KEY !== undefined && (globalThis as Record<string, unknown>)[LOADED_KEY] === true;

/** Once loaded, always loaded (unbundled: the CommonJS cache is read once it says so). */
let loadedUnbundled = false;

/**
 * Whether the function's own code already loaded supertokens-node (it imports a recipe): then it may
 * call that recipe in its handler, and SuperTokens must be started before it runs, even when the
 * quick path verified the session. In a bundle, its supertokens-node says so itself; unbundled (tests,
 * tsx), Node's CommonJS cache tells.
 */
export function superTokensNodeLoaded(): boolean {
  if (loadedInBundle() || loadedUnbundled) return true;
  if (typeof __SESSION_ROLES_BUNDLE__ !== "undefined") return false;
  try {
    const cache = process.getBuiltinModule("node:module").createRequire(import.meta.url).cache;
    loadedUnbundled = Object.keys(cache).some((path) =>
      path.includes("supertokens-node/lib/build/supertokens.js"),
    );
  } catch {}
  return loadedUnbundled;
}

/** supertokens-node's side of the pipeline (getSession, its error handler, CORS headers), loaded once. */
type Bridge = typeof import("./supertokens-bridge.ts");
let bridge: Promise<Bridge> | undefined;

export function loadSuperTokensBridge(): Promise<Bridge> {
  bridge ??= import("./supertokens-bridge.ts");
  return bridge;
}

/** supertokens-node loaded and started (once per process): what a handler calling a recipe needs first. */
export async function ensureSuperTokensStarted(): Promise<Bridge> {
  const loaded = await loadSuperTokensBridge();
  loaded.startSuperTokens();
  return loaded;
}

/**
 * Work Lambda's init phase should finish before the first event: a function that needs SuperTokens
 * started (its init is async now that supertokens-node loads with `import()`) waits for it there, not
 * in its first request. A bundle with supertokens-node loaded at start has an index.mjs that awaits
 * `initPhaseDone()` at its top level (scripts/bundler/start-layout.ts), which Lambda runs as part of
 * the init phase. A bundle without it is one file at start, with no top-level await (a chunk imported
 * during one would wait for index.mjs, which would wait for it): work started here then goes on while
 * the runtime fetches the first event, and that request waits for it.
 */
const pending: Array<Promise<unknown>> = [];

export function inInitPhase(work: Promise<unknown>): void {
  pending.push(work.catch(() => {}));
}

export async function initPhaseDone(): Promise<void> {
  // The pipelines queue their init-phase work in a microtask once the function's module has loaded:
  // one turn lets it run first.
  await Promise.resolve();
  await Promise.all(pending.splice(0));
}
