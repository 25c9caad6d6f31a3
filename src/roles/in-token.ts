import type { SessionContainer } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import type { JSONObject, UserContext } from "supertokens-node/types";
import { rolesFromCore } from "./from-core.ts";

/** The seed's payload key: the highest-precedence role the user holds, or null. */
export const ROLE_KEY = "role";

export interface RoleState {
  role: string | null;
  roles: string[];
  permissions: string[];
}

/** The payload update carrying `role`, `st-role` and `st-perm` in SuperTokens' own claim format. */
export function rolePayload(state: RoleState): JSONObject {
  const userContext = {} as UserContext;
  let payload: JSONObject = {};
  payload = UserRoles.UserRoleClaim.addToPayload_internal(payload, state.roles, userContext);
  payload = UserRoles.PermissionClaim.addToPayload_internal(payload, state.permissions, userContext);
  return { ...payload, [ROLE_KEY]: state.role };
}

/** Writes the core's current roles into the session's access token with one regenerate. */
export async function refreshRolesInSession(
  session: SessionContainer,
  precedence: readonly string[],
): Promise<RoleState> {
  const state = await rolesFromCore(session.getTenantId(), session.getUserId(), precedence);
  await session.mergeIntoAccessTokenPayload(rolePayload(state));
  return state;
}

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
