// UserRoles recipe: roles with permissions (per app) and role assignments (per tenant).
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { badRequest } from "../errors.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import { type AppState, bucket } from "../state.ts";
import { parseBody, queryParam } from "../validate.ts";

function nonEmpty(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === "") throw badRequest(`Field name '${field}' cannot be an empty String`);
  return trimmed;
}

const permissionsOf = (app: AppState, role: string): string[] | undefined => app.roles.get(role);

function rolesOfUser(ctx: RequestContext, userId: string): string[] {
  return ctx.app.userRoles.get(ctx.tenantId)?.get(userId) ?? [];
}

const PutRole = v.object({ role: v.string(), permissions: v.optional(v.array(v.string())) });

function putRole(ctx: RequestContext): ResponseOf<"/recipe/role", "put"> {
  const body = parseBody(PutRole, ctx.body);
  const role = nonEmpty(body.role, "role");
  const permissions = (body.permissions ?? []).map((p) => nonEmpty(p, "permissions"));
  const existing = permissionsOf(ctx.app, role);
  ctx.app.roles.set(role, [...new Set([...(existing ?? []), ...permissions])]);
  ctx.store.changed();
  return { status: "OK", createdNewRole: existing === undefined };
}

function getRolePermissions(ctx: RequestContext): ResponseOf<"/recipe/role/permissions", "get"> {
  const permissions = permissionsOf(ctx.app, nonEmpty(queryParam(ctx.query, "role"), "role"));
  if (permissions === undefined) return { status: "UNKNOWN_ROLE_ERROR" };
  return { status: "OK", permissions: [...permissions] };
}

const RemovePermissions = v.object({ role: v.string(), permissions: v.optional(v.array(v.string())) });

function removeRolePermissions(ctx: RequestContext): ResponseOf<"/recipe/role/permissions/remove", "post"> {
  const body = parseBody(RemovePermissions, ctx.body);
  const role = nonEmpty(body.role, "role");
  const permissions = permissionsOf(ctx.app, role);
  if (permissions === undefined) return { status: "UNKNOWN_ROLE_ERROR" };
  // No list means "remove them all", as in the real core.
  const drop = new Set(body.permissions ?? permissions);
  ctx.app.roles.set(
    role,
    permissions.filter((p) => !drop.has(p)),
  );
  ctx.store.changed();
  return { status: "OK" };
}

function getPermissionRoles(ctx: RequestContext): ResponseOf<"/recipe/permission/roles", "get"> {
  const permission = nonEmpty(queryParam(ctx.query, "permission"), "permission");
  const roles = [...ctx.app.roles]
    .filter(([, permissions]) => permissions.includes(permission))
    .map(([role]) => role);
  return { status: "OK", roles };
}

function removeRole(ctx: RequestContext): ResponseOf<"/recipe/role/remove", "post"> {
  const role = nonEmpty(parseBody(v.object({ role: v.string() }), ctx.body).role, "role");
  const didRoleExist = permissionsOf(ctx.app, role) !== undefined;
  ctx.app.roles.delete(role);
  for (const byUser of ctx.app.userRoles.values()) {
    for (const [userId, roles] of byUser)
      byUser.set(
        userId,
        roles.filter((r) => r !== role),
      );
  }
  ctx.store.changed();
  return { status: "OK", didRoleExist };
}

function getRoles(ctx: RequestContext): ResponseOf<"/recipe/roles", "get"> {
  return { status: "OK", roles: [...ctx.app.roles.keys()] };
}

const UserRole = v.object({ userId: v.string(), role: v.string() });

function addUserRole(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/user/role", "put"> {
  const body = parseBody(UserRole, ctx.body);
  const role = nonEmpty(body.role, "role");
  const userId = nonEmpty(body.userId, "userId");
  if (permissionsOf(ctx.app, role) === undefined) return { status: "UNKNOWN_ROLE_ERROR" };
  const byUser = bucket(ctx.app.userRoles, ctx.tenantId);
  const roles = byUser.get(userId) ?? [];
  const didUserAlreadyHaveRole = roles.includes(role);
  if (!didUserAlreadyHaveRole) byUser.set(userId, [...roles, role]);
  ctx.store.changed();
  return { status: "OK", didUserAlreadyHaveRole };
}

function removeUserRole(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/user/role/remove", "post"> {
  const body = parseBody(UserRole, ctx.body);
  const role = nonEmpty(body.role, "role");
  const userId = nonEmpty(body.userId, "userId");
  if (permissionsOf(ctx.app, role) === undefined) return { status: "UNKNOWN_ROLE_ERROR" };
  const byUser = ctx.app.userRoles.get(ctx.tenantId);
  const roles = byUser?.get(userId) ?? [];
  const didUserHaveRole = roles.includes(role);
  if (byUser !== undefined && didUserHaveRole)
    byUser.set(
      userId,
      roles.filter((r) => r !== role),
    );
  ctx.store.changed();
  return { status: "OK", didUserHaveRole };
}

function getUserRoles(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/user/roles", "get"> {
  return { status: "OK", roles: [...rolesOfUser(ctx, nonEmpty(queryParam(ctx.query, "userId"), "userId"))] };
}

function getRoleUsers(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/role/users", "get"> {
  const role = nonEmpty(queryParam(ctx.query, "role"), "role");
  if (permissionsOf(ctx.app, role) === undefined) return { status: "UNKNOWN_ROLE_ERROR" };
  const byUser = ctx.app.userRoles.get(ctx.tenantId) ?? new Map<string, string[]>();
  const users = [...byUser].filter(([, roles]) => roles.includes(role)).map(([userId]) => userId);
  return { status: "OK", users };
}

export const userRoleRoutes: Route[] = [
  route("/recipe/role", "put", putRole),
  route("/recipe/role/permissions", "get", getRolePermissions),
  route("/recipe/role/permissions/remove", "post", removeRolePermissions),
  route("/recipe/permission/roles", "get", getPermissionRoles),
  route("/recipe/role/remove", "post", removeRole),
  route("/recipe/roles", "get", getRoles),
  route("/<tenantId>/recipe/user/role", "put", addUserRole),
  route("/<tenantId>/recipe/user/role/remove", "post", removeUserRole),
  route("/<tenantId>/recipe/user/roles", "get", getUserRoles),
  route("/<tenantId>/recipe/role/users", "get", getRoleUsers),
];
