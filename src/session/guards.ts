import type { SessionClaimValidator, VerifySessionOptions } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";

export interface SessionOptions extends VerifySessionOptions {
  /** Roles the caller must hold, checked against the core on every request (never a stale token). */
  requireRoles?: string[];
  /** Permissions the caller's roles must grant, checked against the core on every request likewise. */
  requirePermissions?: string[];
  /**
   * Methods the function answers; any other is a 405 before the session is read. Give a function that
   * changes state its method (e.g. POST): supertokens-node asks no anti-CSRF proof of a GET.
   */
  methods?: string[];
}

/**
 * Requires the claim to include `value`, read from the core on every request so a revoked role or
 * permission is refused at once. (SuperTokens' own `includes(value, 0)` refetches too, but then fails
 * its age check by a millisecond; its default keeps a value for 300 s.) The check runs on the fetched
 * value, before the token is written: a token the budget compacted (st-perm or st-role left out) is
 * judged exactly like a complete one.
 */
function fromCore(validator: SessionClaimValidator): SessionClaimValidator {
  return { ...validator, shouldRefetch: () => true };
}

function guardValidators(options: SessionOptions): SessionClaimValidator[] {
  return [
    ...(options.requireRoles ?? []).map((role) =>
      fromCore(UserRoles.UserRoleClaim.validators.includes(role)),
    ),
    ...(options.requirePermissions ?? []).map((permission) =>
      fromCore(UserRoles.PermissionClaim.validators.includes(permission)),
    ),
  ];
}

function claimValidators(options: SessionOptions): VerifySessionOptions["overrideGlobalClaimValidators"] {
  const { overrideGlobalClaimValidators } = options;
  const guards = guardValidators(options);
  if (guards.length === 0) return overrideGlobalClaimValidators;
  return async (globals, session, userContext) => {
    const base = overrideGlobalClaimValidators
      ? await overrideGlobalClaimValidators(globals, session, userContext)
      : globals;
    return [...base, ...guards];
  };
}

/** Our options as supertokens-node's getSession takes them: the guards become claim validators. */
export function sessionOptionsOf(options: SessionOptions | undefined): VerifySessionOptions {
  const {
    requireRoles: _roles,
    requirePermissions: _permissions,
    methods: _methods,
    ...rest
  } = options ?? {};
  return { ...rest, overrideGlobalClaimValidators: claimValidators(options ?? {}) };
}
