import type { SessionClaimValidator, VerifySessionOptions } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";

export interface SessionOptions extends VerifySessionOptions {
  /** Roles the caller must hold, checked against the core on every request (never a stale token). */
  requireRoles?: string[];
}

/**
 * Requires `role`, read from the core on every request so a revoked role is refused at once.
 * (SuperTokens' own `includes(role, 0)` refetches too, but then fails its age check by a millisecond.)
 */
function roleFromCore(role: string): SessionClaimValidator {
  return { ...UserRoles.UserRoleClaim.validators.includes(role), shouldRefetch: () => true };
}

function claimValidators(options: SessionOptions): VerifySessionOptions["overrideGlobalClaimValidators"] {
  const { requireRoles, overrideGlobalClaimValidators } = options;
  if (!requireRoles?.length) return overrideGlobalClaimValidators;
  return async (globals, session, userContext) => {
    const base = overrideGlobalClaimValidators
      ? await overrideGlobalClaimValidators(globals, session, userContext)
      : globals;
    return [...base, ...requireRoles.map(roleFromCore)];
  };
}

/** Our options as supertokens-node's getSession takes them: the guards become claim validators. */
export function sessionOptionsOf(options: SessionOptions | undefined): VerifySessionOptions {
  const { requireRoles: _roles, ...rest } = options ?? {};
  return { ...rest, overrideGlobalClaimValidators: claimValidators(options ?? {}) };
}
