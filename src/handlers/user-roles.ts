import SuperTokens from "supertokens-node";
import Session, { type SessionContainer } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import type { Config } from "../config.ts";
import { errorResponse, type HttpResponse, jsonResponse } from "../http/model.ts";
import { rolesFromCore } from "../roles/from-core.ts";
import { rolePayload } from "../roles/in-token.ts";
import type { SessionRequest } from "../session/verify-session.ts";

const ROUTE = /^\/users\/([^/]+)\/roles(?:\/([^/]+))?\/?$/;

function decoded(part: string | undefined): string | undefined {
  if (part === undefined) return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** Puts the user's current roles into every live session, so each has them at its next refresh. */
async function syncSessions(tenantId: string, userId: string, precedence: readonly string[]) {
  const state = await rolesFromCore(tenantId, userId, precedence);
  const handles = await Session.getAllSessionHandlesForUser(userId, true, tenantId);
  await Promise.all(handles.map((handle) => Session.mergeIntoAccessTokenPayload(handle, rolePayload(state))));
  return { userId, ...state, sessionsUpdated: handles.length };
}

/** Admin API: GET /users/{userId}/roles, PUT and DELETE /users/{userId}/roles/{role}. */
export async function userRoles({
  session,
  request,
  config,
}: {
  session: SessionContainer;
  request: SessionRequest;
  config: Config;
}): Promise<HttpResponse> {
  const match = ROUTE.exec(request.path);
  const userId = decoded(match?.[1]);
  const role = decoded(match?.[2]);
  if (!match || !userId || (match[2] !== undefined && !role)) return errorResponse(404, "no such route");
  const allowed = role === undefined ? ["GET"] : ["PUT", "DELETE"];
  if (!allowed.includes(request.method)) return errorResponse(405, `use ${allowed.join(" or ")} here`);

  const tenantId = session.getTenantId();
  if (!(await SuperTokens.getUser(userId))) return errorResponse(404, "unknown user", { userId });
  if (role === undefined) {
    return jsonResponse(200, {
      userId,
      ...(await rolesFromCore(tenantId, userId, config.rolePrecedence)),
    });
  }
  const change =
    request.method === "PUT"
      ? await UserRoles.addRoleToUser(tenantId, userId, role)
      : await UserRoles.removeUserRole(tenantId, userId, role);
  if (change.status === "UNKNOWN_ROLE_ERROR") return errorResponse(400, "unknown role", { role });
  return jsonResponse(200, await syncSessions(tenantId, userId, config.rolePrecedence));
}
