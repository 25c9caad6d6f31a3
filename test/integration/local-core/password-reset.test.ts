// Password reset tokens as the real core issues them: for a user id and an email, whatever the user's
// login methods; consumed once, with the real core's request shape; bad input is a 400.
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import ThirdParty from "supertokens-node/recipe/thirdparty";
import { beforeAll, describe, expect, it } from "vitest";
import { initSuperTokens, uniqueAppId, withLocalCore } from "../../helpers/core.ts";

const core = withLocalCore();
let app = "";

beforeAll(async () => {
  app = await core.createApp(uniqueAppId("reset"));
  initSuperTokens({ connectionURI: app, recipeList: [EmailPassword.init(), ThirdParty.init()] });
});

const post = (path: string, body: unknown) =>
  fetch(`${app}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", "cdi-version": "5.4" },
    body: JSON.stringify(body),
  });

async function emailPasswordUser(email: string): Promise<string> {
  const res = await EmailPassword.signUp("public", email, "old password 1");
  if (res.status !== "OK") throw new Error(res.status);
  return res.user.id;
}

describe("password reset tokens", () => {
  it("are consumed once and reset the password through supertokens-node", async () => {
    const userId = await emailPasswordUser("reset@example.com");
    const created = await EmailPassword.createResetPasswordToken("public", userId, "reset@example.com");
    if (created.status !== "OK") throw new Error(created.status);
    expect(await EmailPassword.consumePasswordResetToken("public", created.token)).toEqual({
      status: "OK",
      userId,
      email: "reset@example.com",
    });
    expect((await EmailPassword.consumePasswordResetToken("public", created.token)).status).toBe(
      "RESET_PASSWORD_INVALID_TOKEN_ERROR",
    );

    const again = await EmailPassword.createResetPasswordToken("public", userId, "reset@example.com");
    if (again.status !== "OK") throw new Error(again.status);
    expect(await EmailPassword.resetPasswordUsingToken("public", again.token, "new password 2")).toEqual({
      status: "OK",
    });
    expect((await EmailPassword.signIn("public", "reset@example.com", "new password 2")).status).toBe("OK");
    expect((await EmailPassword.signIn("public", "reset@example.com", "old password 1")).status).toBe(
      "WRONG_CREDENTIALS_ERROR",
    );
  });

  it('accept the `{ method: "token", token }` body of the deprecated reset API on consume', async () => {
    const userId = await emailPasswordUser("method@example.com");
    const created = await EmailPassword.createResetPasswordToken("public", userId, "method@example.com");
    if (created.status !== "OK") throw new Error(created.status);
    const res = await post("/public/recipe/user/password/reset/token/consume", {
      method: "token",
      token: created.token,
    });
    expect(await res.json()).toEqual({ status: "OK", userId, email: "method@example.com" });
  });

  it("are issued for a user without an email/password login method, for the email given", async () => {
    const tp = await ThirdParty.manuallyCreateOrUpdateUser(
      "public",
      "google",
      "g-reset",
      "tp@example.com",
      true,
    );
    if (tp.status !== "OK") throw new Error(tp.status);
    const created = await EmailPassword.createResetPasswordToken("public", tp.user.id, "chosen@example.com");
    if (created.status !== "OK") throw new Error(created.status);
    expect(await EmailPassword.consumePasswordResetToken("public", created.token)).toEqual({
      status: "OK",
      userId: tp.user.id,
      email: "chosen@example.com",
    });
    // The user is as it was: consuming does not add a login method by itself.
    expect((await SuperTokens.getUser(tp.user.id))?.loginMethods.map((lm) => lm.recipeId)).toEqual([
      "thirdparty",
    ]);
  });

  it("are refused for an unknown user, and invalid input is a 400", async () => {
    expect(await EmailPassword.createResetPasswordToken("public", "no-such-user", "x@example.com")).toEqual({
      status: "UNKNOWN_USER_ID_ERROR",
    });
    const bad: Array<[string, unknown, string]> = [
      ["/public/recipe/user/password/reset/token/consume", {}, "token"],
      ["/public/recipe/user/password/reset/token/consume", { method: "token", token: 42 }, "token"],
      ["/public/recipe/user/password/reset/token", { email: "x@example.com" }, "userId"],
      ["/public/recipe/user/password/reset/token", { userId: "u", email: false }, "email"],
    ];
    for (const [path, body, field] of bad) {
      const res = await post(path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.text()).toBe(`Field name '${field}' is invalid in JSON input\n`);
    }
    expect((await post("/public/recipe/user/password/reset/token/consume", { token: "nope" })).status).toBe(
      200,
    );
  });
});

// supertokens-node's own password-reset tests name tenants in mixed case ("invalidTenantId"): the real core
// matches paths lowercased, so these reach the tenant check and answer 400 "AppId or tenantId not found".
describe("an unknown tenant, as the real core answers it", () => {
  it("createResetPasswordLink and sendResetPasswordEmail throw the core's 400", async () => {
    const userId = await emailPasswordUser("tenant-case@example.com");
    const coreError = /status code: 400 and message: AppId or tenantId not found => .*, invalidtenantid\)/;
    await expect(
      EmailPassword.createResetPasswordLink("invalidTenantId", "invlidUserId", "x@example.com"),
    ).rejects.toThrow(coreError);
    await expect(
      EmailPassword.sendResetPasswordEmail("invalidTenantID", userId, "tenant-case@example.com"),
    ).rejects.toThrow(coreError);
    // A known tenant spelled in capitals is that tenant, as in the real core.
    const created = await EmailPassword.createResetPasswordLink("PUBLIC", userId, "tenant-case@example.com");
    expect(created.status).toBe("OK");
  });

  it("answers a raw request for a mixed-case unknown tenant with the core's 400 text", async () => {
    const res = await post("/NoSuchTenant/recipe/user/password/reset/token", {
      userId: "u",
      email: "x@example.com",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^AppId or tenantId not found => .*\(, [\w-]+, nosuchtenant\)\n$/);
  });
});
