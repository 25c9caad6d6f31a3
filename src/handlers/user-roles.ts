import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { ConfigError } from "../config.ts";
import { errorResponse, type HttpResponse, jsonResponse } from "../http/model.ts";
import { isDeclaredRole, ROLE_NAME } from "../roles/catalog.ts";
import { rolesFromCore } from "../roles/from-core.ts";
import { rolePayload } from "../roles/token-write.ts";
import { type AdminRequest, LOOKUP_PATH, lookUpUser } from "./user-lookup.ts";

const ROUTE = /^\/users\/([^/]+)\/roles(?:\/([^/]+))?\/?$/;

/**
 * Which roles PUT may grant: `declared` (default) only the roles in roles.json, `any` every role the
 * core holds (for deployments that manage roles outside roles.json). Revoking works for any role.
 */
export type Grantable = "declared" | "any";

export interface UserRolesOptions {
  grantable?: Grantable;
}

/** `GRANTABLE_ROLES`: unset or `declared`, or `any`; anything else fails the cold start. */
export function grantableFromEnv(env: Record<string, string | undefined> = process.env): Grantable {
  const value = env.GRANTABLE_ROLES?.trim() || "declared";
  if (value === "declared" || value === "any") return value;
  throw new ConfigError(`GRANTABLE_ROLES must be "declared" or "any" (got "${value.slice(0, 80)}")`);
}

function decoded(part: string | undefined): string | undefined {
  if (part === undefined) return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** The core trims ids as it trims role names: padding or control characters would alias another user. */
const exactId = (value: string) => value === value.trim() && !/\p{Cc}/u.test(value);

/** Puts the user's current roles into every live session, so each has them at its next refresh. */
async function syncSessions(tenantId: string, userId: string, precedence: readonly string[]) {
  const state = await rolesFromCore(tenantId, userId, precedence);
  const handles = await Session.getAllSessionHandlesForUser(userId, true, tenantId);
  await Promise.all(handles.map((handle) => Session.mergeIntoAccessTokenPayload(handle, rolePayload(state))));
  return { userId, ...state, sessionsUpdated: handles.length };
}

async function holdersOf(tenantId: string, role: string): Promise<string[]> {
  const result = await UserRoles.getUsersThatHaveRole(tenantId, role);
  return result.status === "OK" ? result.users : [];
}

/** Only the CLI could recover a tenant without admins, so the API never removes the last one. */
const lastAdmin = (role: string, userId: string) =>
  errorResponse(409, `cannot remove the last ${role}: grant ${role} to another user first`, { role, userId });

/** Why PUT may not grant `role`, or undefined when it may. */
async function notGrantable(role: string, grantable: Grantable): Promise<HttpResponse | undefined> {
  if (grantable === "any" || isDeclaredRole(role)) return undefined;
  const { roles } = await UserRoles.getAllRoles();
  return roles.includes(role)
    ? errorResponse(400, "role not grantable", { role })
    : errorResponse(400, "unknown role", { role });
}

/**
 * Admin API: GET /users/{userId}/roles, PUT and DELETE /users/{userId}/roles/{role},
 * GET /users/lookup?email=…. The function requires the admin role (checked against the core).
 */
export function createUserRoles(options: UserRolesOptions = {}) {
  const grantable = options.grantable ?? "declared";
  return async function userRoles({ session, request, config }: AdminRequest): Promise<HttpResponse> {
    if (LOOKUP_PATH.test(request.path)) return lookUpUser({ session, request, config });
    const match = ROUTE.exec(request.path);
    if (!match) return errorResponse(404, "no such route");
    const allowed = match[2] === undefined ? ["GET"] : ["PUT", "DELETE"];
    if (!allowed.includes(request.method)) return errorResponse(405, `use ${allowed.join(" or ")} here`);
    const userId = decoded(match[1]);
    if (!userId || !exactId(userId)) return errorResponse(400, "invalid user id");
    const role = decoded(match[2]);
    if (match[2] !== undefined && (role === undefined || !ROLE_NAME.test(role)))
      return errorResponse(400, "invalid role name");

    const tenantId = session.getTenantId();
    if (!(await SuperTokens.getUser(userId))) return errorResponse(404, "unknown user", { userId });
    if (role === undefined) {
      return jsonResponse(200, { userId, ...(await rolesFromCore(tenantId, userId, config.rolePrecedence)) });
    }

    if (request.method === "PUT") {
      const refusal = await notGrantable(role, grantable);
      if (refusal) return refusal;
      const added = await UserRoles.addRoleToUser(tenantId, userId, role);
      if (added.status === "UNKNOWN_ROLE_ERROR") return errorResponse(400, "unknown role", { role });
      return jsonResponse(200, await syncSessions(tenantId, userId, config.rolePrecedence));
    }

    const guarded = role === config.adminRole;
    if (guarded) {
      const holders = await holdersOf(tenantId, role);
      if (holders.length === 1 && holders[0] === userId) return lastAdmin(role, userId);
    }
    const removed = await UserRoles.removeUserRole(tenantId, userId, role);
    if (removed.status === "UNKNOWN_ROLE_ERROR") return errorResponse(400, "unknown role", { role });
    // Two admins removing each other at once both pass the check above: the one who finds nobody
    // left puts the role back.
    if (guarded && removed.didUserHaveRole && (await holdersOf(tenantId, role)).length === 0) {
      await UserRoles.addRoleToUser(tenantId, userId, role);
      return lastAdmin(role, userId);
    }
    return jsonResponse(200, await syncSessions(tenantId, userId, config.rolePrecedence));
  };
}

/** The deployed handler: grantable roles from `GRANTABLE_ROLES`, read once per cold start. */
export const userRoles = createUserRoles({ grantable: grantableFromEnv() });
