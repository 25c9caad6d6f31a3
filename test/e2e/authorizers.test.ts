// A backend in another language (Python, backends/python/whoami.py) behind both authorizers, under
// sls offline: it never sees a token, only the user and role API Gateway hands it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserLikeClient } from "../helpers/browser-like-client.ts";
import { rolesCli } from "../helpers/roles-cli.ts";
import { type Stack, startStack } from "./helpers/stack.ts";

/** Short-lived access tokens, so one test can watch a token expire; every step signs in afresh. */
const TOKEN_SECONDS = 8;

describe("Python routes behind the Lambda and JWT authorizers (sls offline)", () => {
  let stack: Stack;
  const email = `py-${Date.now()}@example.com`;
  let userId = "";

  beforeAll(async () => {
    stack = await startStack({ platform: "sls", accessTokenValidity: TOKEN_SECONDS });
    const client = new BrowserLikeClient(stack.apiUrl);
    const signUp = await client.signUp(email);
    expect(signUp.status).toBe(200);
    userId = (signUp.body as { user: { id: string } }).user.id;
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
  });

  /** A client signed in just now, in cookie mode. */
  async function cookieClient(): Promise<BrowserLikeClient> {
    const client = new BrowserLikeClient(stack.apiUrl);
    expect((await client.signIn(email)).status).toBe(200);
    return client;
  }

  /** An access token for header mode (`st-auth-mode: header`), issued just now. */
  async function headerToken(): Promise<string> {
    const client = new BrowserLikeClient(stack.apiUrl);
    const signIn = await client.request(
      "POST",
      "/auth/signin",
      {
        formFields: [
          { id: "email", value: email },
          { id: "password", value: "password123" },
        ],
      },
      { "st-auth-mode": "header" },
    );
    expect(signIn.status).toBe(200);
    const token = signIn.headers.get("st-access-token");
    expect(token).toBeTruthy();
    return token ?? "";
  }

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(new URL(path, stack.apiUrl), { headers });

  it("cookie mode: the Python route answers the user id and role from the Lambda authorizer", async () => {
    const client = await cookieClient();
    const reply = await client.request("GET", "/py/whoami");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      via: "lambda authorizer",
      userId,
      role: "user",
      roles: ["user"],
      permissions: ["content:read"],
    });
  });

  it("header mode: the same through Authorization: Bearer", async () => {
    const reply = await get("/py/whoami", { authorization: `Bearer ${await headerToken()}` });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({ via: "lambda authorizer", userId, role: "user" });
  });

  it("a route requiring editor: 403, then 200 after an admin grants it, 403 again right after the revoke", async () => {
    const token = await headerToken();
    const call = () => get("/py/editor", { authorization: `Bearer ${token}` });
    expect((await call()).status).toBe(403);
    expect((await rolesCli(stack.coreUrl, "grant", email, "editor")).code).toBe(0);
    const granted = await call();
    expect(granted.status).toBe(200);
    expect(await granted.json()).toMatchObject({ role: "editor", roles: expect.arrayContaining(["editor"]) });
    expect((await rolesCli(stack.coreUrl, "revoke", email, "editor")).code).toBe(0);
    // The same token, the very next request: the authorizer reads the core, not the token.
    expect((await call()).status).toBe(403);
  });

  it("no session, a forged token or an expired one: 401", async () => {
    expect((await get("/py/whoami")).status).toBe(401);
    const token = await headerToken();
    const [header, payload] = token.split(".");
    const forged = `${header}.${payload}.${"A".repeat(342)}`;
    expect((await get("/py/whoami", { authorization: `Bearer ${forged}` })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, (TOKEN_SECONDS + 1.5) * 1000));
    expect((await get("/py/whoami", { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it("the JWT authorizer route: a header-mode token gets through with its claims", async () => {
    const reply = await get("/py/jwt/whoami", { authorization: `Bearer ${await headerToken()}` });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ via: "jwt authorizer", userId, role: "user" });
  });
});
