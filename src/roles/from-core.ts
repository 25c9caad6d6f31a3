import UserRoles from "supertokens-node/recipe/userroles";
import type { RoleState } from "./in-token.ts";
import { pickRole } from "./precedence.ts";

/** Roles and permissions as the core holds them now: one roles call, one call per role. */
export async function rolesFromCore(
  tenantId: string,
  userId: string,
  precedence: readonly string[],
): Promise<RoleState> {
  const { roles } = await UserRoles.getRolesForUser(tenantId, userId);
  const perRole = await Promise.all(roles.map((role) => UserRoles.getPermissionsForRole(role)));
  const permissions = new Set<string>();
  for (const result of perRole)
    if (result.status === "OK") for (const p of result.permissions) permissions.add(p);
  return { role: pickRole(roles, precedence), roles, permissions: [...permissions] };
}
