/**
 * Work Lambda's init phase should finish before the first event: a function that needs SuperTokens
 * started (its init is async now that supertokens-node loads with `import()`) waits for it there, not
 * in its first request. The bundle's entry awaits `initPhaseDone()` at its top level
 * (scripts/bundler/bundle.ts), which Lambda runs as part of the init phase.
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
