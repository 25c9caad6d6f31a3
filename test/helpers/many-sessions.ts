// Many live sessions for one user, made by the core itself (one call each), as a user who signs in
// again and again would leave them.
import type { LocalCore } from "../../local-core/index.ts";
import { runtimeConfig } from "../../src/config/index.ts";
import { userRoles } from "../../src/handlers/user-roles.ts";
import { rolesFromCore } from "../../src/roles/from-core.ts";
import { rolePayload } from "../../src/roles/token-write.ts";
import { verifySession } from "../../src/session/verify-session.ts";
import { contextEnding, httpApiEvent, type Reply, readLambdaResult } from "./events.ts";
import { authenticated, type Credentials } from "./session-requests.ts";

export interface LiveSession {
  accessToken: string;
  refreshToken: string;
}

/** `count` sessions of `userId` carrying `payload` (e.g. what update-role wrote), 100 requests at a time. */
export async function openSessions(
  core: Pick<LocalCore, "url">,
  userId: string,
  count: number,
  payload: Record<string, unknown>,
): Promise<LiveSession[]> {
  const open = async (): Promise<LiveSession> => {
    const response = await fetch(`${core.url}/public/recipe/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        userId,
        userDataInJWT: payload,
        userDataInDatabase: {},
        enableAntiCsrf: false,
        useDynamicSigningKey: true,
      }),
    });
    const body = (await response.json()) as {
      accessToken: { token: string };
      refreshToken: { token: string };
    };
    return { accessToken: body.accessToken.token, refreshToken: body.refreshToken.token };
  };
  const sessions: LiveSession[] = [];
  for (let i = 0; i < count; i += 100)
    sessions.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, open))));
  return sessions;
}

/** `count` sessions of `userId` whose tokens say what the core holds for the user now. */
export async function openCurrentSessions(
  core: Pick<LocalCore, "url">,
  userId: string,
  count: number,
): Promise<LiveSession[]> {
  const payload = rolePayload(await rolesFromCore(runtimeConfig(), "public", userId));
  return openSessions(core, userId, count, payload);
}

/** The admin API as deployed: the user-roles handler behind `requireRoles: ["admin"]`. */
const adminApi = verifySession(userRoles as never, { requireRoles: ["admin"] }) as (
  event: unknown,
  context: unknown,
) => Promise<unknown>;

/** `DELETE /users/{userId}/roles/{role}` by `admin`, with `remainingMs` left in the invocation. */
export async function removeRoleAsAdmin(
  admin: Credentials,
  userId: string,
  role: string,
  remainingMs: number,
): Promise<{ reply: Reply; tookMs: number }> {
  const started = performance.now();
  const event = httpApiEvent(
    authenticated(admin, { method: "DELETE", path: `/users/${userId}/roles/${role}` }),
  );
  const reply = readLambdaResult(await adminApi(event, contextEnding(remainingMs)));
  return { reply, tookMs: performance.now() - started };
}
