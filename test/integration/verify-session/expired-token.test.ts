// An expired access token asks the client to refresh, on every shape; the refreshed token works.
import type { SessionContainer } from "supertokens-node/recipe/session";
import { beforeAll, describe, expect, it } from "vitest";
import { withLocalCore } from "../../helpers/core.ts";
import {
  authenticated,
  type Credentials,
  createSession,
  decodeJwtPayload,
  sessionTargets,
  startSuperTokens,
} from "../../helpers/session-client.ts";

const core = withLocalCore();
let cookieUser: Credentials;
let headerUser: Credentials;

beforeAll(async () => {
  // An app whose access tokens live one second.
  await startSuperTokens(await core.createApp("short", { access_token_validity: 1 }));
  cookieUser = await createSession("cookie");
  headerUser = await createSession("header");
  const exp = decodeJwtPayload(cookieUser.accessToken).exp as number;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 1100));
});

const ok = ({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() });

describe.each(sessionTargets(ok))("$name", (target) => {
  it.each([
    ["cookie", () => cookieUser],
    ["header", () => headerUser],
  ])("answers 401 try refresh token for an expired %s-mode token", async (_, user) => {
    const reply = await target.call(authenticated(user(), { method: "GET", path: "/session" }));
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ message: "try refresh token" });
    expect(reply.cookies, "the session is not cleared: the client may refresh").toEqual([]);
  });
});
