import { PERMISSION_NAME } from "../config/core.ts";
import { type CoreTarget, fetchRolePermissions, fetchUserRoles } from "../core-client/roles-api.ts";
import { logNamesLeftOut } from "../observability/log-lines.ts";
import { mapBounded } from "./bounded.ts";
import { pickRole } from "./precedence.ts";

/** What the core holds for a user: the role to show (by precedence), every role, every permission. */
export interface RoleState {
  role: string | null;
  roles: string[];
  permissions: string[];
}

/** The core to read, the precedence that picks `role`, and how long a role's permissions may be reused. */
export interface RoleSource extends CoreTarget {
  rolePrecedence: readonly string[];
  /** 0: every read asks the core for every role's permissions. */
  rolePermissionsMaxAgeMs: number;
}

/** At most this many permission reads in flight per request, however many roles the user holds. */
export const PERMISSION_READS_IN_FLIGHT = 8;

interface Cached {
  permissions: readonly string[];
  until: number;
  /** The read under way, shared by concurrent requests for the same role. */
  pending?: Promise<readonly string[]>;
}

/** Role → permissions per core, kept `rolePermissionsMaxAgeMs` (a role's permissions rarely change). */
const cache = new Map<string, Cached>();

async function permissionsOf(source: RoleSource, role: string): Promise<readonly string[]> {
  if (source.rolePermissionsMaxAgeMs <= 0) return (await fetchRolePermissions(source, role)) ?? [];
  const key = `${source.connectionUri}\n${role}`;
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.permissions;
  if (hit?.pending) return hit.pending;
  const pending = fetchRolePermissions(source, role).then(
    (permissions) => {
      cache.set(key, { permissions: permissions ?? [], until: Date.now() + source.rolePermissionsMaxAgeMs });
      return permissions ?? [];
    },
    (error: unknown) => {
      cache.delete(key);
      throw error;
    },
  );
  cache.set(key, { permissions: [], until: 0, pending });
  return pending;
}

/**
 * Reads these roles' permissions into the cache now, without waiting (a cold start's early read,
 * ./early-read.ts). A failure is only a miss: the request reads again.
 */
export function prefetchRolePermissions(source: RoleSource, roles: readonly string[]): void {
  if (source.rolePermissionsMaxAgeMs <= 0) return;
  for (const role of roles) permissionsOf(source, role).catch(() => {});
}

/**
 * Roles and permissions as the core holds them: the user's roles fresh on every call (one core
 * call), each role's permissions from a per-process cache no older than `rolePermissionsMaxAgeMs`
 * (cache misses read with at most PERMISSION_READS_IN_FLIGHT requests at once).
 */
export async function rolesFromCore(
  source: RoleSource,
  tenantId: string,
  userId: string,
): Promise<RoleState> {
  return roleStateOf(source, await userRolesFromCore(source, tenantId, userId), userId);
}

/** The user's roles in this tenant, as the core holds them now: one core call. */
export async function userRolesFromCore(
  source: RoleSource,
  tenantId: string,
  userId: string,
): Promise<string[]> {
  return listable(await fetchUserRoles(source, tenantId, userId), userId);
}

/** `roles` (the user's, as read from the core) with the role to show and their permissions. */
export async function roleStateOf(source: RoleSource, roles: string[], userId: string): Promise<RoleState> {
  const done = await mapBounded(roles, PERMISSION_READS_IN_FLIGHT, (role) => permissionsOf(source, role));
  const permissions = new Set<string>();
  for (const list of done) for (const permission of listable(list, userId)) permissions.add(permission);
  return { role: pickRole(roles, source.rolePrecedence), roles, permissions: [...permissions] };
}

/**
 * The names that can travel in a list: a name made in the core by other means (a dashboard) with a
 * comma or a space would read as several names to a backend that splits the authorizer's context or
 * `scope`. Such a name is left out (it grants nothing here) and said in one line.
 */
function listable(names: readonly string[], userId: string): string[] {
  const kept = names.filter((name) => PERMISSION_NAME.test(name));
  if (kept.length < names.length)
    logNamesLeftOut(
      userId,
      names.filter((name) => !PERMISSION_NAME.test(name)),
    );
  return kept;
}
