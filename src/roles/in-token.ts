import type { SessionContainer } from "supertokens-node/recipe/session";
import { type RoleSource, type RoleState, rolesFromCore } from "./from-core.ts";
import { compactedClaims, type OmissibleClaim } from "./token-budget.ts";

export type { RoleState } from "./from-core.ts";

/** The seed's payload key: the highest-precedence role the user holds, or null. */
export const ROLE_KEY = "role";

/** What a session's token says about roles (possibly stale; the core is the truth). */
export function rolesInPayload(payload: Record<string, unknown>): RoleState {
  const claim = (key: string) => {
    const value = (payload[key] as { v?: unknown } | undefined)?.v;
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
  };
  const role = payload[ROLE_KEY];
  return {
    role: typeof role === "string" ? role : null,
    roles: claim("st-role"),
    permissions: claim("st-perm"),
  };
}

/** The session's roles as `GET /session` answers them, and which role claims its token left out. */
export interface SessionRoles extends RoleState {
  /** Claims the token left out for size (`st-perm`, `st-role`): the lists then come from the core. */
  compacted: OmissibleClaim[];
}

/**
 * The session's roles and permissions: from the token when it holds them all (no core call), from the
 * core when the token was compacted, so nobody mistakes a left-out list for an empty one.
 */
export async function rolesOfSession(session: SessionContainer, source: RoleSource): Promise<SessionRoles> {
  const payload = session.getAccessTokenPayload();
  const compacted = compactedClaims(payload);
  if (compacted.length === 0) return { ...rolesInPayload(payload), compacted };
  // All three from the core, not a mix of a token's roles with the core's permissions.
  return { ...(await rolesFromCore(source, session.getTenantId(), session.getUserId())), compacted };
}
