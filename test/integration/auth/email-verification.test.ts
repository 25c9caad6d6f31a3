// Email verification with EMAIL_VERIFICATION=required, in process, with the real local core and real
// supertokens-node: the auth function's routes, the outbox, and editor-only (a verify-only function
// with withEmailVerification) refusing an unverified user until the link is followed. In one process
// the auth function's EmailVerification recipe is global; that functions without the guard still
// serve an unverified user is shown under sls offline (test/e2e/password-reset.test.ts).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import UserRoles from "supertokens-node/recipe/userroles";
import { beforeAll, describe, expect, it } from "vitest";
import { invalidClaim, uniqueEmail, withSuperTokens } from "../../helpers/session-client.ts";
import { Browser, captureStderr, coreGet, type FunctionHandler, mailFor, tokenOf } from "./helpers.ts";

const outbox = join(mkdtempSync(join(tmpdir(), "session-roles-outbox-")), "outbox.jsonl");
const core = withSuperTokens({ env: { OUTBOX_FILE: outbox, EMAIL_VERIFICATION: "required" } });
const stderr = captureStderr();

const functions: Record<string, FunctionHandler> = {};
const route = (path: string) => functions[path.split("/")[1]!]!;

beforeAll(async () => {
  functions.auth = (await import("../../../functions/auth.ts")).default;
  functions["editor-only"] = (await import("../../../functions/editor-only.ts")).default;
});

const PASSWORD = "password 123";
const NOT_VERIFIED = {
  status: 403,
  body: invalidClaim("st-ev", { message: "wrong value", expectedValue: true, actualValue: false }),
};

describe("email verification (EMAIL_VERIFICATION=required)", () => {
  const email = uniqueEmail("verify");
  const browser = new Browser(route);
  let userId: string;
  let link: string;

  it("a new session says the email is not verified", async () => {
    const signUp = await browser.signUp(email, PASSWORD);
    expect(signUp.status).toBe(200);
    userId = (signUp.body as { user: { id: string } }).user.id;
    expect(browser.payload()["st-ev"]).toMatchObject({ v: false });
  });

  it("editor-only refuses the unverified editor with 403, naming the st-ev claim", async () => {
    await UserRoles.addRoleToUser("public", userId, "editor");
    expect(await browser.request("GET", "/editor-only")).toMatchObject(NOT_VERIFIED);
  });

  it("emails a verification link to the outbox and the terminal", async () => {
    const sent = await browser.request("POST", "/auth/user/email/verify/token", undefined, {
      rid: "emailverification",
    });
    expect(sent).toMatchObject({ status: 200, body: { status: "OK" } });
    const mail = await mailFor(outbox, email);
    expect(mail).toEqual([
      {
        to: email,
        type: "email-verification",
        link: expect.stringMatching(/^http:\/\/localhost:3001\/verify-email\?token=[\w-]+&tenantId=public$/),
        at: expect.any(String),
      },
    ]);
    link = mail[0]!.link;
    expect(stderr).toContain(`outbox: email-verification for ${email}: ${link}`);
    expect(await coreGet(core.url, `/recipe/user/email/verify?userId=${userId}&email=${email}`)).toEqual({
      status: "OK",
      isVerified: false,
    });
  });

  it("verifies with the emailed token, from another browser (no session); the core holds it", async () => {
    const otherDevice = new Browser(route);
    const verified = await otherDevice.request(
      "POST",
      "/auth/user/email/verify",
      { method: "token", token: tokenOf(link) },
      { rid: "emailverification" },
    );
    expect(verified).toMatchObject({ status: 200, body: { status: "OK" } });
    expect(await coreGet(core.url, `/recipe/user/email/verify?userId=${userId}&email=${email}`)).toEqual({
      status: "OK",
      isVerified: true,
    });
    const user = await coreGet(core.url, `/user/id?userId=${userId}`);
    expect(user).toMatchObject({ user: { loginMethods: [{ email, verified: true }] } });

    const again = await otherDevice.request("POST", "/auth/user/email/verify", {
      method: "token",
      token: tokenOf(link),
    });
    expect(again).toMatchObject({ status: 200, body: { status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR" } });
  });

  it("editor-only lets the user in on the very next request, with the old token, and updates it", async () => {
    expect(browser.payload()["st-ev"]).toMatchObject({ v: false });
    const allowed = await browser.request("GET", "/editor-only");
    expect(allowed).toMatchObject({ status: 200, body: { message: "hello, editor", userId } });
    expect(browser.payload()["st-ev"]).toMatchObject({ v: true });

    // The token now says verified: no core lookup of the user for it any more.
    core.clearRequests();
    expect((await browser.request("GET", "/editor-only")).status).toBe(200);
    expect(core.requests.map((request) => request.path)).not.toContain("/user/id");
  });

  it("the auth function agrees: verified, and no second email", async () => {
    const status = await browser.request("GET", "/auth/user/email/verify", undefined, {
      rid: "emailverification",
    });
    expect(status).toMatchObject({ status: 200, body: { status: "OK", isVerified: true } });
    const resend = await browser.request("POST", "/auth/user/email/verify/token", undefined, {
      rid: "emailverification",
    });
    expect(resend).toMatchObject({ status: 200, body: { status: "EMAIL_ALREADY_VERIFIED_ERROR" } });
    expect(await mailFor(outbox, email)).toHaveLength(1);
  });

  it("after an unverify in the core, a fresh sign-in says so and editor-only refuses again", async () => {
    // Tokens already issued keep their true value (as with SuperTokens' own claim); a sign-in reads the core.
    await fetch(`${core.url}/recipe/user/email/verify/remove`, {
      method: "POST",
      headers: { "content-type": "application/json", "cdi-version": "5.4" },
      body: JSON.stringify({ userId, email }),
    });
    const fresh = new Browser(route);
    expect((await fresh.signIn(email, PASSWORD)).status).toBe(200);
    expect(fresh.payload()["st-ev"]).toMatchObject({ v: false });
    expect(await fresh.request("GET", "/editor-only")).toMatchObject(NOT_VERIFIED);
  });

  it("answers malformed or session-less requests with a 4xx JSON message", async () => {
    const anonymous = new Browser(route);
    const cases = [
      [{ method: "token" }, 400, "Please provide the email verification token"],
      [{ method: "token", token: 7 }, 400, "The email verification token must be a string"],
      ["[", 400, "request body is not valid JSON"],
    ] as const;
    for (const [body, status, message] of cases) {
      const reply = await anonymous.request("POST", "/auth/user/email/verify", body);
      expect(reply, JSON.stringify(body)).toMatchObject({ status, body: { message } });
    }
    const noSession = await anonymous.request("POST", "/auth/user/email/verify/token");
    expect(noSession).toMatchObject({ status: 401, body: { message: "unauthorised" } });
    expect(await anonymous.request("GET", "/editor-only")).toMatchObject({ status: 401 });
  });
});
