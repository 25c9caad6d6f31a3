// Many live sessions for one user, made by the core itself (one call each), as a user who signs in
// again and again would leave them.
import type { LocalCore } from "../../local-core/index.ts";

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
