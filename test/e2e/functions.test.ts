// The deployed functions over real HTTP, under sls offline and under netlify functions:serve.
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserLikeClient } from "../helpers/browser-like-client.ts";
import { connectionRefused } from "../helpers/core.ts";
import { rolesCli } from "../helpers/roles-cli.ts";
import { type Stack, startStack } from "./helpers/stack.ts";

describe.each(["sls", "netlify"] as const)("functions under %s", (platform) => {
  let stack: Stack;
  const stamp = `${platform}-${Date.now()}`;
  const userEmail = `user-${stamp}@example.com`;
  const adminEmail = `admin-${stamp}@example.com`;
  let user: BrowserLikeClient;
  let admin: BrowserLikeClient;
  let userId: string;

  beforeAll(async () => {
    stack = await startStack({ platform });
    user = new BrowserLikeClient(stack.apiUrl);
    admin = new BrowserLikeClient(stack.apiUrl);
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
  });

  it("listens on 127.0.0.1 only: not on the machine's other addresses", async () => {
    const port = Number(new URL(stack.apiUrl).port);
    expect(await connectionRefused("127.0.0.1", port)).toBe(false);
    const elsewhere = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal)
      .map((address) => address!.address);
    for (const address of elsewhere) expect(await connectionRefused(address, port), address).toBe(true);
  });

  it("signs up and in with cookies; a new user holds the default role", async () => {
    const signUp = await user.signUp(userEmail);
    expect(signUp.status).toBe(200);
    userId = (signUp.body as { user: { id: string } }).user.id;

    const signIn = await user.signIn(userEmail);
    expect(signIn.status).toBe(200);
    expect([...user.cookies.keys()]).toEqual(expect.arrayContaining(["sAccessToken", "sRefreshToken"]));
    expect(user.antiCsrf).toBeTruthy();
    expect(user.payload()).toMatchObject({ role: "user", "st-role": { v: ["user"] } });
  });

  it("POST /update-role writes the core's roles into the token; GET /session reads them back", async () => {
    const update = await user.request("POST", "/update-role");
    expect(update.status).toBe(200);
    expect(update.body).toEqual({ role: "user", roles: ["user"], permissions: ["content:read"] });

    const session = await user.request("GET", "/session");
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      userId,
      role: "user",
      roles: ["user"],
      permissions: ["content:read"],
    });
  });

  it("never takes the role from the client: body, query or header", async () => {
    const attempts = [
      user.request("POST", "/update-role", { role: "admin" }),
      user.request("POST", "/update-role?role=admin"),
      user.request("POST", "/update-role", undefined, { role: "admin", "x-role": "admin" }),
    ];
    for (const attempt of await Promise.all(attempts)) {
      expect(attempt.status).toBe(200);
      expect(attempt.body).toMatchObject({ role: "user", roles: ["user"] });
    }
    expect(user.payload().role).toBe("user");
  });

  it("an admin made with the roles CLI grants editor; the user's next refresh and update-role carry it", async () => {
    expect((await admin.signUp(adminEmail)).status).toBe(200);
    const grant = await rolesCli(stack.coreUrl, "grant", adminEmail, "admin");
    expect(grant.code).toBe(0);

    expect((await user.request("GET", "/editor-only")).status).toBe(403);
    const granted = await admin.request("PUT", `/users/${userId}/roles/editor`);
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    expect(granted.body).toMatchObject({ roles: expect.arrayContaining(["user", "editor"]) });

    // The grant was written into every live session: the user's next refresh already carries it.
    const refreshed = await user.request("POST", "/auth/session/refresh");
    expect(refreshed.status).toBe(200);
    expect(user.payload()).toMatchObject({
      role: "editor",
      "st-role": { v: expect.arrayContaining(["editor"]) },
    });

    const update = await user.request("POST", "/update-role");
    expect(update.body).toMatchObject({ role: "editor", roles: expect.arrayContaining(["editor", "user"]) });
    expect(user.payload()).toMatchObject({ role: "editor" });
    expect((await user.request("GET", "/editor-only")).status).toBe(200);
  });

  it("after the admin revokes editor, the user's very next request to an editor function is refused", async () => {
    const revoked = await admin.request("DELETE", `/users/${userId}/roles/editor`);
    expect(revoked.status).toBe(200);
    // The user's token still says editor; the function checks the core.
    expect(user.payload().role).toBe("editor");
    const refused = await user.request("GET", "/editor-only");
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ message: "invalid claim" });
  });

  it("the user-roles API refuses non-admins and answers 404/400 for unknown users and roles", async () => {
    expect((await user.request("GET", `/users/${userId}/roles`)).status).toBe(403);
    const unknownUser = await admin.request("GET", "/users/no-such-user/roles");
    expect(unknownUser.status, JSON.stringify(unknownUser.body)).toBe(404);
    const unknownRole = await admin.request("PUT", `/users/${userId}/roles/astronaut`);
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.body).toMatchObject({ message: "unknown role" });
  });

  it("signing out clears the session: protected calls are refused", async () => {
    expect((await user.request("POST", "/auth/signout")).status).toBe(200);
    expect(user.cookies.has("sAccessToken")).toBe(false);
    const refused = await user.request("GET", "/session");
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ message: "unauthorised" });
  });
});
