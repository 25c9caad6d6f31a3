// The local core's email-verification routes as the real core answers them (CDI 5.4): tokens per
// (user, email), consumed once, expiring; the verified flag read back as given; bad input a 400.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCore, startLocalCore } from "../../../local-core/index.ts";

let core: LocalCore;
let app = "";
let shortLived = "";

beforeAll(async () => {
  core = await startLocalCore({ port: 0 });
  app = await core.createApp(`ev-${process.pid}`);
  shortLived = await core.createApp(`ev-short-${process.pid}`, { email_verification_token_lifetime: 50 });
});
afterAll(() => core.close());

async function call(base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json; charset=utf-8", "cdi-version": "5.4" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}
const post = (path: string, body: unknown, base = app) => call(base, "POST", path, body);
const isVerified = async (userId: string, email: string) =>
  (
    await call(app, "GET", `/recipe/user/email/verify?userId=${userId}&email=${encodeURIComponent(email)}`)
  ).json();

async function newToken(userId: string, email: string, base = app): Promise<string> {
  const created = (await post("/public/recipe/user/email/verify/token", { userId, email }, base)).json();
  expect(created).toEqual({ status: "OK", token: expect.stringMatching(/^[\w-]{64}$/) });
  return created.token as string;
}

describe("email verification in the local core", () => {
  it("verifies a (user, email) pair once; the email is normalised on the way in", async () => {
    const token = await newToken("u-1", " Mixed@Example.COM ");
    expect((await post("/public/recipe/user/email/verify", { method: "token", token })).json()).toEqual({
      status: "OK",
      userId: "u-1",
      email: "mixed@example.com",
    });
    expect((await post("/public/recipe/user/email/verify", { method: "token", token })).json()).toEqual({
      status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
    });
    expect(await isVerified("u-1", "mixed@example.com")).toEqual({ status: "OK", isVerified: true });
    // Read back exactly as given, like the real core's GET (it does not normalise the query).
    expect(await isVerified("u-1", "Mixed@Example.COM")).toEqual({ status: "OK", isVerified: false });
    expect(
      (
        await post("/public/recipe/user/email/verify/token", { userId: "u-1", email: "MIXED@example.com" })
      ).json(),
    ).toEqual({
      status: "EMAIL_ALREADY_VERIFIED_ERROR",
    });
  });

  it("one verification uses up every other token of the pair; unverify and token removal work", async () => {
    const first = await newToken("u-2", "two@example.com");
    const second = await newToken("u-2", "two@example.com");
    expect(
      (await post("/public/recipe/user/email/verify", { method: "token", token: second })).json().status,
    ).toBe("OK");
    expect(
      (await post("/public/recipe/user/email/verify", { method: "token", token: first })).json().status,
    ).toBe("EMAIL_VERIFICATION_INVALID_TOKEN_ERROR");

    expect(
      (await post("/recipe/user/email/verify/remove", { userId: "u-2", email: "Two@example.com" })).json(),
    ).toEqual({
      status: "OK",
    });
    expect(await isVerified("u-2", "two@example.com")).toEqual({ status: "OK", isVerified: false });

    const revoked = await newToken("u-2", "two@example.com");
    const removal = await post("/public/recipe/user/email/verify/token/remove", {
      userId: "u-2",
      email: "two@example.com",
    });
    expect(removal.json()).toEqual({ status: "OK" });
    expect(
      (await post("/public/recipe/user/email/verify", { method: "token", token: revoked })).json().status,
    ).toBe("EMAIL_VERIFICATION_INVALID_TOKEN_ERROR");
  });

  it("expires tokens after email_verification_token_lifetime (ms)", async () => {
    const token = await newToken("u-3", "three@example.com", shortLived);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const late = await post("/public/recipe/user/email/verify", { method: "token", token }, shortLived);
    expect(late.json()).toEqual({ status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR" });
  });

  it("drops a deleted user's outstanding tokens", async () => {
    const signUp = (
      await post("/public/recipe/signup", { email: "gone@example.com", password: "password 1" })
    ).json();
    const userId = (signUp.user as { id: string }).id;
    const token = await newToken(userId, "gone@example.com");
    expect((await post("/user/remove", { userId })).json()).toEqual({ status: "OK" });
    expect((await post("/public/recipe/user/email/verify", { method: "token", token })).json()).toEqual({
      status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
    });
    expect(await isVerified(userId, "gone@example.com")).toEqual({ status: "OK", isVerified: false });
  });

  it("answers bad input with the real core's 400 messages", async () => {
    const cases: [string, unknown, string][] = [
      [
        "/public/recipe/user/email/verify",
        { method: "link", token: "t" },
        "Unsupported method for email verification",
      ],
      ["/public/recipe/user/email/verify", { token: "t" }, "Field name 'method' is invalid in JSON input"],
      [
        "/public/recipe/user/email/verify",
        { method: "token" },
        "Field name 'token' is invalid in JSON input",
      ],
      [
        "/public/recipe/user/email/verify/token",
        { userId: "u" },
        "Field name 'email' is invalid in JSON input",
      ],
      [
        "/recipe/user/email/verify/remove",
        { email: "x@example.com" },
        "Field name 'userId' is invalid in JSON input",
      ],
    ];
    for (const [path, body, message] of cases) {
      const reply = await post(path, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.text).toBe(`${message}\n`);
    }
    const noEmail = await call(app, "GET", "/recipe/user/email/verify?userId=u");
    expect([noEmail.status, noEmail.text]).toEqual([400, "Field name 'email' is missing in GET request\n"]);
  });
});
