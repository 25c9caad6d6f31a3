/**
 * The two UserRoles reads of the core, without supertokens-node: a function that only verifies and
 * reads roles (guards, the authorizer) then never loads it. The requests go through the fetch hook
 * (./fetch-hook.ts): deadline, API key from SSM, a cause when they fail, node:http, a latency metric.
 * Paths and parameters as supertokens-node's UserRoles sends them (CDI `/<tenantId>/recipe/user/roles`,
 * `/recipe/role/permissions`).
 */
import { setCoreDeadline } from "./fetch-hook.ts";
import { CoreUnavailableError } from "./outage.ts";

/** Where the core is and how to talk to it: a function's Config satisfies it. */
export interface CoreTarget {
  connectionUri: string;
  apiKey: string | undefined;
  coreTimeoutMs: number;
}

async function getJson(core: CoreTarget, path: string, query: Record<string, string>): Promise<unknown> {
  setCoreDeadline(core.connectionUri, core.coreTimeoutMs);
  const headers: Record<string, string> = { rid: "userroles" };
  if (core.apiKey !== undefined) headers["api-key"] = core.apiKey;
  // Percent-encoded by hand: URLSearchParams would be one more class to compile on a cold start.
  const search = Object.entries(query).map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  const url = `${core.connectionUri}${path}?${search.join("&")}`;
  const response = await fetch(url, { headers });
  // The hook has already turned 5xx, malformed JSON and no answer into CoreUnavailableError.
  if (response.status !== 200) {
    const detail = `core answered ${response.status} to ${path}`;
    throw new CoreUnavailableError(new Error(detail), {
      reason: response.status === 401 ? "invalid-api-key" : "malformed-answer",
      detail,
      coreUrl: core.connectionUri,
      corePath: path,
    });
  }
  return response.json();
}

function malformed(core: CoreTarget, path: string): CoreUnavailableError {
  const detail = `core answered an unexpected body to ${path}`;
  return new CoreUnavailableError(new Error(detail), {
    reason: "malformed-answer",
    detail,
    coreUrl: core.connectionUri,
    corePath: path,
  });
}

const stringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

/** The roles the core holds for the user in this tenant: one core call. */
export async function fetchUserRoles(core: CoreTarget, tenantId: string, userId: string): Promise<string[]> {
  const path = `/${encodeURIComponent(tenantId)}/recipe/user/roles`;
  const body = (await getJson(core, path, { userId })) as { status?: unknown; roles?: unknown };
  if (body?.status !== "OK" || !stringList(body.roles)) throw malformed(core, path);
  return body.roles;
}

/** A role's permissions, or undefined when the core does not know the role: one core call. */
export async function fetchRolePermissions(core: CoreTarget, role: string): Promise<string[] | undefined> {
  const path = "/recipe/role/permissions";
  const body = (await getJson(core, path, { role })) as { status?: unknown; permissions?: unknown };
  if (body?.status === "UNKNOWN_ROLE_ERROR") return undefined;
  if (body?.status !== "OK" || !stringList(body.permissions)) throw malformed(core, path);
  return body.permissions;
}
