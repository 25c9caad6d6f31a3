/**
 * A cold start's roles read, started while the first token waits for the core's signing keys: the
 * key fetch and the roles read then share one wait instead of following each other. The answer is
 * used only for the token that started it, once that token has verified (same user, same tenant);
 * a token that does not verify has cost the core one read. At most one per process: once the keys
 * are in hand every roles read waits for the verified session, so forged tokens cannot make the
 * core read roles for them.
 *
 * A function that also reads permissions reads, at the same time, the permissions of the roles the
 * token names that roles.json declares: the roles a token was issued with are most often the user's
 * roles now, and each is one core call that then overlaps the key fetch instead of following the
 * roles read. A role the core no longer gives the user has cost one read; one it gives and the token
 * did not name is read after the roles, as without this.
 */
import { isDeclaredRole } from "./declared.ts";
import { prefetchRolePermissions, type RoleSource, userRolesFromCore } from "./from-core.ts";
import { rolesInPayload } from "./in-token.ts";

export interface EarlyRolesRead {
  tenantId: string;
  userId: string;
  /** The user's roles (their permissions come from the per-process cache afterwards). */
  roles: Promise<string[]>;
}

let started = false;

/** What a tenant id looks like (`public`, `customer-1`): nothing a path could read as `.` or `..`. */
const TENANT_ID = /^[a-z0-9-]{1,100}$/;

/**
 * Starts the process's one early read for the unverified payload's user, if not started yet; with
 * `permissions`, also the declared roles' permissions the token names.
 */
export function startEarlyRolesRead(
  source: RoleSource,
  unverified: Record<string, unknown>,
  permissions: boolean,
): EarlyRolesRead | undefined {
  const { sub, tId } = unverified;
  // The tenant goes into the request's path and the token is not verified yet: a tenant id as the
  // core makes them, or no early read (the verified token's tenant is read after verifying).
  if (started || typeof sub !== "string" || typeof tId !== "string" || !TENANT_ID.test(tId)) return undefined;
  started = true;
  const roles = userRolesFromCore(source, tId, sub);
  if (permissions) prefetchRolePermissions(source, rolesInPayload(unverified).roles.filter(isDeclaredRole));
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
