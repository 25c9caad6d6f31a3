// Cookie mode and header mode, as the SuperTokens frontend SDK uses them, and anti-CSRF in cookie mode.
import type { SessionContainer } from "supertokens-node/recipe/session";
import { describe, expect, it } from "vitest";
import {
  authenticated,
  sessionTargets,
  signUp,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

withSuperTokens();
const cookieUser = withSignedInUser("cookie", signUp);
const headerUser = withSignedInUser("header", signUp);

const whoAmI = ({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() });

describe.each(sessionTargets(whoAmI))("$name", (target) => {
  it("accepts a cookie-mode GET without anti-csrf and a POST with the right one", async () => {
    const get = await target.call(authenticated(cookieUser, { method: "GET", path: "/session" }));
    expect(get.status, get.body).toBe(200);
    expect(get.json).toEqual({ userId: cookieUser.userId });

    expect(cookieUser.antiCsrf).toBeTruthy();
    const post = await target.call(authenticated(cookieUser, { method: "POST", path: "/session" }));
    expect(post.status, post.body).toBe(200);
    expect(post.json).toEqual({ userId: cookieUser.userId });
  });

  it.each([
    ["missing", null],
    ["wrong", "not-the-anti-csrf-token"],
  ])("refuses a cookie-mode POST with a %s anti-csrf header: 401", async (_, antiCsrf) => {
    const reply = await target.call(
      authenticated(cookieUser, { method: "POST", path: "/session" }, { antiCsrf }),
    );
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ message: "try refresh token" });
  });

  it("accepts header mode (Authorization: Bearer) on any method without anti-csrf", async () => {
    for (const method of ["GET", "POST", "DELETE"]) {
      const reply = await target.call(authenticated(headerUser, { method, path: "/session" }));
      expect(reply.status, `${method}: ${reply.body}`).toBe(200);
      expect(reply.json).toEqual({ userId: headerUser.userId });
    }
  });

  it("reads header names in any case: AUTHORIZATION, Anti-CSRF", async () => {
    const bearer = await target.call({
      method: "PUT",
      path: "/session",
      headers: { AUTHORIZATION: `Bearer ${headerUser.accessToken}` },
    });
    expect(bearer.status, bearer.body).toBe(200);
    const cookie = await target.call({
      method: "PUT",
      path: "/session",
      cookies: { sAccessToken: cookieUser.accessToken },
      headers: { "Anti-CSRF": cookieUser.antiCsrf! },
    });
    expect(cookie.status, cookie.body).toBe(200);
  });
});
