// Password reset through the auth function, in process, with the real local core and real
// supertokens-node: request → outbox (file line and terminal line) → new password → sign in.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueEmail, withSuperTokens } from "../../helpers/session-client.ts";
import type { FunctionHandler } from "./helpers.ts";
import { Browser, captureStderr, coreGet, form, mailFor, tokenOf } from "./helpers.ts";

const outbox = join(mkdtempSync(join(tmpdir(), "session-roles-outbox-")), "outbox.jsonl");
const core = withSuperTokens({
  env: { OUTBOX_FILE: outbox, EMAIL_VERIFICATION: "off", WEBSITE_DOMAIN: "http://localhost:3001" },
});
const stderr = captureStderr();

let auth: FunctionHandler;
let session: FunctionHandler;
const route = (path: string) => (path.startsWith("/auth/") ? auth : session);

beforeAll(async () => {
  // The function modules themselves, imported once the environment is set (as at a cold start).
  auth = (await import("../../../functions/auth.ts")).default;
  session = (await import("../../../functions/session.ts")).default;
});

const OLD = "old password 1";
const NEW = "new password 2";

async function requestReset(email: string) {
  return new Browser(route).request("POST", "/auth/user/password/reset/token", form({ email }), {
    rid: "emailpassword",
  });
}

async function resetPassword(token: unknown, password: string) {
  return new Browser(route).request(
    "POST",
    "/auth/user/password/reset",
    { formFields: [{ id: "password", value: password }], token },
    { rid: "emailpassword" },
  );
}

describe("password reset through the auth function", () => {
  const email = uniqueEmail("reset");
  const laptop = new Browser(route);
  const phone = new Browser(route);
  let userId: string;
  let link: string;

  it("emails a reset link to the outbox: one JSON line, one terminal line, the page's URL", async () => {
    const signUp = await laptop.signUp(email, OLD);
    expect(signUp.status).toBe(200);
    userId = (signUp.body as { user: { id: string } }).user.id;
    expect((await phone.signIn(email, OLD)).status).toBe(200);

    const requested = await requestReset(email);
    expect(requested).toMatchObject({ status: 200, body: { status: "OK" } });

    const mail = await mailFor(outbox, email);
    expect(mail).toEqual([
      {
        to: email,
        type: "password-reset",
        link: expect.stringMatching(
          /^http:\/\/localhost:3001\/reset-password\?token=[\w-]+&tenantId=public$/,
        ),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    link = mail[0]!.link;
    expect(Date.now() - Date.parse(mail[0]!.at)).toBeLessThan(10_000);
    expect(stderr).toContain(`outbox: password-reset for ${email}: ${link}`);
  });

  it("refuses a weak password without using up the token (SuperTokens' FIELD_ERROR)", async () => {
    const weak = await resetPassword(tokenOf(link), "short");
    expect(weak).toMatchObject({ status: 200, body: { status: "FIELD_ERROR" } });
  });

  it("sets the new password with the emailed token; the token works once", async () => {
    const reset = await resetPassword(tokenOf(link), NEW);
    expect(reset).toMatchObject({ status: 200, body: { status: "OK" } });

    const again = await resetPassword(tokenOf(link), "another password 3");
    expect(again).toMatchObject({ status: 200, body: { status: "RESET_PASSWORD_INVALID_TOKEN_ERROR" } });
  });

  it("signs in with the new password only", async () => {
    const fresh = new Browser(route);
    const withNew = await fresh.signIn(email, NEW);
    expect(withNew).toMatchObject({ status: 200, body: { status: "OK", user: { id: userId } } });
    expect(fresh.cookies.has("sAccessToken")).toBe(true);
    expect((await fresh.request("GET", "/session")).status).toBe(200);

    const withOld = await new Browser(route).signIn(email, OLD);
    expect(withOld).toMatchObject({ status: 200, body: { status: "WRONG_CREDENTIALS_ERROR" } });
    expect(withOld.headers.getSetCookie()).toEqual([]);
  });

  it("signed the user out everywhere: the core holds only the new session, old ones cannot refresh", async () => {
    const held = await coreGet(core.url, `/public/recipe/session/user?userId=${userId}`);
    expect(held.sessionHandles).toHaveLength(1);

    for (const device of [laptop, phone]) {
      const refresh = await device.request("POST", "/auth/session/refresh");
      expect(refresh.status).toBe(401);
      expect(refresh.body).toEqual({ message: "unauthorised" });
      expect(device.cookies.has("sRefreshToken")).toBe(false);
    }
  });

  it("answers an unknown email like a known one, and emails no one", async () => {
    const stranger = uniqueEmail("nobody");
    const requested = await requestReset(stranger);
    expect(requested).toMatchObject({ status: 200, body: { status: "OK" } });
    expect(await mailFor(outbox, stranger)).toEqual([]);
    expect(stderr.some((line) => line.includes(stranger))).toBe(false);
  });

  it("refuses an unknown token", async () => {
    const reset = await resetPassword("not-a-token", NEW);
    expect(reset).toMatchObject({ status: 200, body: { status: "RESET_PASSWORD_INVALID_TOKEN_ERROR" } });
  });

  it("answers malformed requests with a 4xx JSON message", async () => {
    const browser = new Browser(route);
    const cases = [
      [{ formFields: [{ id: "password", value: NEW }] }, "Please provide the password reset token"],
      [
        { formFields: [{ id: "password", value: NEW }], token: 42 },
        "The password reset token must be a string",
      ],
      [{ token: "t" }, "Missing input param: formFields"],
      ["{not json", "request body is not valid JSON"],
    ] as const;
    for (const [body, message] of cases) {
      const reply = await browser.request("POST", "/auth/user/password/reset", body, {
        rid: "emailpassword",
      });
      expect(reply, JSON.stringify(body)).toMatchObject({ status: 400, body: { message } });
    }
    const noEmail = await browser.request(
      "POST",
      "/auth/user/password/reset/token",
      {},
      { rid: "emailpassword" },
    );
    expect(noEmail).toMatchObject({ status: 400, body: { message: "Missing input param: formFields" } });
  });

  it("serves no email-verification route while EMAIL_VERIFICATION=off", async () => {
    const verify = await new Browser(route).request("POST", "/auth/user/email/verify", {
      method: "token",
      token: "t",
    });
    expect(verify).toMatchObject({
      status: 404,
      body: { message: "no such auth route: POST /auth/user/email/verify" },
    });
  });
});
