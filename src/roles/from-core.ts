import UserRoles from "supertokens-node/recipe/userroles";
import { pickRole } from "./precedence.ts";
import { superTokensForRoles } from "./start-hook.ts";

/** What the core holds for a user: the role to show (by precedence), every role, every permission. */
export interface RoleState {
  role: string | null;
  roles: string[];
  permissions: string[];
}

/** Roles and permissions as the core holds them now: one roles call, one call per role. */
export async function rolesFromCore(
  tenantId: string,
  userId: string,
  precedence: readonly string[],
): Promise<RoleState> {
  await superTokensForRoles();
  const { roles } = await UserRoles.getRolesForUser(tenantId, userId);
  const perRole = await Promise.all(roles.map((role) => UserRoles.getPermissionsForRole(role)));
  const permissions = new Set<string>();
  for (const result of perRole)
    if (result.status === "OK") for (const p of result.permissions) permissions.add(p);
  return { role: pickRole(roles, precedence), roles, permissions: [...permissions] };
}
