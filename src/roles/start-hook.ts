/**
 * Reading roles from the core needs SuperTokens started, and a function on the quick verify path may
 * not have started it (src/session/quick-verify.ts). The session layer, above this one, registers how
 * to start it; the roles layer calls it before each read (a no-op once started).
 */
let start: (() => Promise<void>) | undefined;

export function whenRolesNeedSuperTokens(hook: () => Promise<void>): void {
  start = hook;
}

export async function superTokensForRoles(): Promise<void> {
  await start?.();
}
