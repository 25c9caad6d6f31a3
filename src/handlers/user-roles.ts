import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import type { Config } from "../config/core.ts";
import { type Grantable, grantableRoles } from "../config/roles.ts";
import { coreDeadlineMs } from "../core-client/deadline.ts";
import { errorResponse, type HttpResponse, jsonResponse } from "../http/model.ts";
import { logRoleChangeLeftToRefresh } from "../observability/log-lines.ts";
import { mapBounded } from "../roles/bounded.ts";
import { withSessionRead } from "../roles/budgeted-session.ts";
import { isDeclaredRole, ROLE_NAME } from "../roles/catalog.ts";
import { type RoleState, rolesFromCore } from "../roles/from-core.ts";
import { payloadIsCurrent, rolePayload } from "../roles/token-write.ts";
import { type AdminRequest, LOOKUP_PATH, lookUpUser } from "./user-lookup.ts";

const ROUTE = /^\/users\/([^/]+)\/roles(?:\/([^/]+))?\/?$/;

export interface UserRolesOptions {
  /** Or where to read it at each request (the deployed handler: GRANTABLE_ROLES, read once). */
  grantable?: Grantable | (() => Grantable);
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

/** Sessions rewritten at once by a role change; more would only queue behind each other at the core. */
const FANOUT_IN_FLIGHT = 16;
/** The most a fan-out may take where the platform does not say how long the invocation has left. */
const FANOUT_MAX_MS = 4000;
/** Left for the rewrites under way to end and the answer to go out: each core call's own deadline also ends with the invocation. */
const FANOUT_MARGIN_MS = 500;

/** What a role change answers: the user's roles now, and how far the sessions were brought along. */
export interface RoleChange extends RoleState {
  userId: string;
  /** Live sessions whose stored payload was rewritten now (their token changes at the next refresh anyway). */
  sessionsUpdated: number;
  /** Live sessions left to their next refresh, which recomputes the roles from the core. */
  sessionsAtNextRefresh: number;
}

/**
 * After a role change (already in the core): the user's roles, and — as a speed-up only, never
 * needed for correctness since every refresh recomputes the roles — each live session's stored
 * payload rewritten with at most FANOUT_IN_FLIGHT at once, starting none once the invocation has only
 * the time left to finish those under way and answer. A session that could not be rewritten is
 * counted, not failed: the change happened, so the answer is 200 whatever the fan-out managed.
 */
async function afterRoleChange(config: Config, tenantId: string, userId: string): Promise<RoleChange> {
  const state = await rolesFromCore(config, tenantId, userId);
  const handles = await Session.getAllSessionHandlesForUser(userId, true, tenantId);
  if (!config.sessionFanOut)
    return { userId, ...state, sessionsUpdated: 0, sessionsAtNextRefresh: handles.length };
  const until = Date.now() + coreDeadlineMs(FANOUT_MAX_MS) - FANOUT_MARGIN_MS;
  const payload = rolePayload(state);
  let failed: unknown;
  const done = await mapBounded(
    handles,
    FANOUT_IN_FLIGHT,
    async (handle) => {
      try {
        const info = await Session.getSessionInformation(handle);
        if (info === undefined) return false;
        if (payloadIsCurrent(info.customClaimsInAccessTokenPayload, state)) return true;
        return await Session.mergeIntoAccessTokenPayload(handle, payload, withSessionRead(info));
      } catch (error) {
        // Left to its next refresh, which recomputes the roles; said once below.
        failed ??= error;
        return false;
      }
    },
    until,
  );
  const updated = done.filter(Boolean).length;
  if (failed !== undefined) logRoleChangeLeftToRefresh("rewriting a live session", failed);
  return { userId, ...state, sessionsUpdated: updated, sessionsAtNextRefresh: handles.length - updated };
}

/** 200 once the change is in the core, even when reading it back fails (it happened; say so). */
async function changed(config: Config, tenantId: string, userId: string): Promise<HttpResponse> {
  try {
    return jsonResponse(200, await afterRoleChange(config, tenantId, userId));
  } catch (error) {
    logRoleChangeLeftToRefresh("reading the change back", error);
    return jsonResponse(200, {
      userId,
      sessionsUpdated: 0,
      sessionsAtNextRefresh: null,
      warning: "the change is in the core; reading it back failed, so sessions get it at their next refresh",
    });
  }
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
  return async function userRoles({ session, request, config }: AdminRequest): Promise<HttpResponse> {
    // Read at the request, not at import: a bad GRANTABLE_ROLES is answered and logged as a config error.
    const grantable =
      typeof options.grantable === "function" ? options.grantable() : (options.grantable ?? "declared");
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
      return jsonResponse(200, { userId, ...(await rolesFromCore(config, tenantId, userId)) });
    }

    if (request.method === "PUT") {
      const refusal = await notGrantable(role, grantable);
      if (refusal) return refusal;
      const added = await UserRoles.addRoleToUser(tenantId, userId, role);
      if (added.status === "UNKNOWN_ROLE_ERROR") return errorResponse(400, "unknown role", { role });
      return changed(config, tenantId, userId);
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
    return changed(config, tenantId, userId);
  };
}

/** The deployed handler: grantable roles from `GRANTABLE_ROLES`, read once per cold start. */
export const userRoles = createUserRoles({ grantable: grantableRoles });
