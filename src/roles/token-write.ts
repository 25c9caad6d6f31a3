import type { SessionContainer } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import type { JSONObject, UserContext } from "supertokens-node/types";
import { type RoleState, rolesFromCore } from "./from-core.ts";
import { ROLE_KEY } from "./in-token.ts";

/** The payload update carrying `role`, `st-role` and `st-perm` in SuperTokens' own claim format. */
export function rolePayload(state: RoleState): JSONObject {
  const userContext = {} as UserContext;
  let payload: JSONObject = {};
  payload = UserRoles.UserRoleClaim.addToPayload_internal(payload, state.roles, userContext);
  payload = UserRoles.PermissionClaim.addToPayload_internal(payload, state.permissions, userContext);
  return { ...payload, [ROLE_KEY]: state.role };
}

/**
 * Writes the core's current roles into the session's access token with one regenerate. Past the
 * token's budget the Session override leaves st-perm (then st-role) out and marks it `compacted`.
 */
export async function refreshRolesInSession(
  session: SessionContainer,
  precedence: readonly string[],
): Promise<RoleState> {
  const state = await rolesFromCore(session.getTenantId(), session.getUserId(), precedence);
  await session.mergeIntoAccessTokenPayload(rolePayload(state));
  return state;
}
