import type { SessionContainer } from "supertokens-node/recipe/session";
import { type RoleState, refreshRolesInSession } from "../roles.ts";
import { ensureSuperTokens } from "../supertokens.ts";

/**
 * The seed: roles come from the core, never from the request, and enter the access token
 * (`role`, `st-role`, `st-perm`) in one regenerate.
 */
export async function updateRole({ session }: { session: SessionContainer }): Promise<RoleState> {
  return refreshRolesInSession(session, ensureSuperTokens().rolePrecedence);
}
