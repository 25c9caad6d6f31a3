/**
 * A cold start's roles read, started while the first token waits for the core's signing keys: the
 * key fetch and the roles read then share one wait instead of following each other. The answer is
 * used only for the token that started it, once that token has verified (same user, same tenant);
 * a token that does not verify has cost the core one read. At most one per process: once the keys
 * are in hand every roles read waits for the verified session, so forged tokens cannot make the
 * core read roles for them.
 */
import { type RoleSource, userRolesFromCore } from "./from-core.ts";

export interface EarlyRolesRead {
  tenantId: string;
  userId: string;
  /** The user's roles (their permissions come from the per-process cache afterwards). */
  roles: Promise<string[]>;
}

let started = false;

/** Starts the process's one early read for the unverified payload's user, if not started yet. */
export function startEarlyRolesRead(
  source: RoleSource,
  unverified: Record<string, unknown>,
): EarlyRolesRead | undefined {
  const { sub, tId } = unverified;
  if (started || typeof sub !== "string" || typeof tId !== "string") return undefined;
  started = true;
  const roles = userRolesFromCore(source, tId, sub);
  // Unused when the token fails: its failure is then nobody's to report.
  roles.catch(() => {});
  return { tenantId: tId, userId: sub, roles };
}

/**
 * The verified session's user's roles now: the early read's answer when it was started for this user
 * and tenant, else one core call.
 */
export function userRolesNow(
  source: RoleSource,
  tenantId: string,
  userId: string,
  early: EarlyRolesRead | undefined,
): Promise<string[]> {
  return early && early.tenantId === tenantId && early.userId === userId
    ? early.roles
    : userRolesFromCore(source, tenantId, userId);
}
