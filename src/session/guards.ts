import type { SessionContainer, VerifySessionOptions } from "supertokens-node/recipe/session";
import { type HttpResponse, jsonResponse } from "../http/model.ts";
import { type EarlyRolesRead, userRolesNow } from "../roles/early-read.ts";
import { type RoleSource, type RoleState, roleStateOf } from "../roles/from-core.ts";
import { pickRole } from "../roles/precedence.ts";
import { payloadIsCurrent, rolePayload, rolesAreCurrent } from "../roles/token-write.ts";

export interface RoleRequirements {
  /** Roles the caller must hold, read from the core on every request (never a stale token). */
  requireRoles?: string[];
  /**
   * Permissions the caller's roles must grant: the roles read on every request, each role's
   * permissions within ROLE_PERMISSIONS_MAX_AGE_SECONDS (README "Roles in the token").
   */
  requirePermissions?: string[];
}

export interface SessionOptions extends VerifySessionOptions, RoleRequirements {
  /**
   * Methods the function answers; any other is a 405 before the session is read. Give a function that
   * changes state its method (e.g. POST): supertokens-node asks no anti-CSRF proof of a GET.
   */
  methods?: string[];
  /**
   * Options only known at the first request (read once per cold start), merged over these: e.g. the
   * email-verified claim when EMAIL_VERIFICATION=required. Until then nothing of them is loaded.
   */
  deferred?: () => Promise<Partial<VerifySessionOptions>>;
}

/** Whether these options ask for a permission: the guard then reads the roles' permissions too. */
export const requiresPermissions = (options: RoleRequirements): boolean =>
  (options.requirePermissions?.length ?? 0) > 0;

/** Whether these options ask for any role or permission. */
export const guardsRoles = (options: RoleRequirements): boolean =>
  (options.requireRoles?.length ?? 0) > 0 || requiresPermissions(options);

/** Our options as supertokens-node's getSession takes them: without the ones only we read. */
export function sessionOptionsOf(options: SessionOptions | undefined): VerifySessionOptions {
  const {
    requireRoles: _roles,
    requirePermissions: _permissions,
    methods: _methods,
    deferred: _deferred,
    ...rest
  } = options ?? {};
  return rest;
}

/** A missing value as SuperTokens' `includes` validator reports it, so the frontend SDK reads it alike. */
const missing = (id: "st-role" | "st-perm", expected: string, actual: string[]) => ({
  id,
  reason: { message: "wrong value", expectedToInclude: expected, actualValue: actual },
});

/** What the requirements lack in `state`: SuperTokens' invalid-claim errors, empty when all are met. */
export function unmetRequirements(need: RoleRequirements, state: RoleState) {
  return [
    ...(need.requireRoles ?? [])
      .filter((role) => !state.roles.includes(role))
      .map((role) => missing("st-role", role, state.roles)),
    ...(need.requirePermissions ?? [])
      .filter((permission) => !state.permissions.includes(permission))
      .map((permission) => missing("st-perm", permission, state.permissions)),
  ];
}

/**
 * The role guard, after the session is verified: one read of the user's roles from the core; the
 * access token rewritten (one regenerate, new tokens to the client) only when its roles no longer
 * match the core's; then the requirements judged on the core's answer — a revoked role is refused on
 * the very next request, a granted one admitted. A 403 in SuperTokens' invalid-claim form when one is
 * unmet. Permissions are read (from the per-process cache) only by a guard that requires some, or to
 * rewrite the token; a role whose permissions changed reaches the token at its next refresh.
 * On a cold start the read may have started while the keys were fetched (`early`, for this user only).
 */
export async function enforceRoleRequirements(
  session: SessionContainer,
  need: RoleRequirements,
  source: RoleSource,
  early?: EarlyRolesRead,
): Promise<HttpResponse | undefined> {
  const [tenantId, userId] = [session.getTenantId(), session.getUserId()];
  const roles = await userRolesNow(source, tenantId, userId, early);
  const payload = session.getAccessTokenPayload();
  const role = pickRole(roles, source.rolePrecedence);
  let state: RoleState = { role, roles, permissions: [] };
  if (requiresPermissions(need) || !rolesAreCurrent(payload, roles, role)) {
    state = await roleStateOf(source, roles, userId);
    if (!payloadIsCurrent(payload, state)) await session.mergeIntoAccessTokenPayload(rolePayload(state));
  }
  const unmet = unmetRequirements(need, state);
  return unmet.length === 0
    ? undefined
    : jsonResponse(403, { message: "invalid claim", claimValidationErrors: unmet });
}
