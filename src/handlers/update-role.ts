import type { SessionContainer } from "supertokens-node/recipe/session";
import type { Config } from "../config/core.ts";
import type { RoleState } from "../roles/in-token.ts";
import { refreshRolesInSession } from "../roles/token-write.ts";

/**
 * The seed: roles come from the core, never from the request, and enter the access token
 * (`role`, `st-role`, `st-perm`) in one regenerate. The token stays within its size budget (st-perm,
 * then st-role, left out and marked `compacted`); the answer always carries the core's full lists.
 */
export async function updateRole({
  session,
  config,
}: {
  session: SessionContainer;
  config: Config;
}): Promise<RoleState> {
  return refreshRolesInSession(session, config);
}
