// PUT /recipe/user is shared by EmailPassword and Passwordless; like the real core, the `rid` header
// picks the recipe, and a user without that recipe's login method is unknown to it.
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Passwordless from "supertokens-node/recipe/passwordless";
import ThirdParty from "supertokens-node/recipe/thirdparty";
import { beforeAll, describe, expect, it } from "vitest";
import { initSuperTokens, uniqueAppId, withLocalCore } from "../../helpers/core.ts";

const core = withLocalCore();
let app = "";

beforeAll(async () => {
  app = await core.createApp(uniqueAppId("update"));
  initSuperTokens({
    connectionURI: app,
    recipeList: [
      EmailPassword.init(),
      ThirdParty.init(),
      Passwordless.init({ contactMethod: "EMAIL", flowType: "USER_INPUT_CODE" }),
    ],
  });
});

const emailsOf = async (userId: string) => (await SuperTokens.getUser(userId))?.emails;

describe("EmailPassword.updateEmailOrPassword", () => {
  it("answers UNKNOWN_USER_ID_ERROR for a third-party user and leaves it as it was", async () => {
    const tp = await ThirdParty.manuallyCreateOrUpdateUser(
      "public",
      "google",
      "g-upd",
      "tp@example.com",
      true,
    );
    if (tp.status !== "OK") throw new Error(tp.status);
    const recipeUserId = SuperTokens.convertToRecipeUserId(tp.user.id);
    for (const change of [{ email: "new@example.com" }, { password: "new password 1" }]) {
      expect(await EmailPassword.updateEmailOrPassword({ recipeUserId, ...change })).toEqual({
        status: "UNKNOWN_USER_ID_ERROR",
      });
    }
    expect(await emailsOf(tp.user.id)).toEqual(["tp@example.com"]);
    expect((await EmailPassword.signIn("public", "tp@example.com", "new password 1")).status).toBe(
      "WRONG_CREDENTIALS_ERROR",
    );
  });

  it("answers UNKNOWN_USER_ID_ERROR for a passwordless user, whose own update still works", async () => {
    const created = await Passwordless.signInUp({ tenantId: "public", email: "pl@example.com" });
    const recipeUserId = created.recipeUserId;
    expect(await EmailPassword.updateEmailOrPassword({ recipeUserId, email: "hijack@example.com" })).toEqual({
      status: "UNKNOWN_USER_ID_ERROR",
    });
    expect(await emailsOf(created.user.id)).toEqual(["pl@example.com"]);
    expect(await Passwordless.updateUser({ recipeUserId, email: "pl2@example.com" })).toEqual({
      status: "OK",
    });
    expect(await emailsOf(created.user.id)).toEqual(["pl2@example.com"]);
  });

  it("updates an email/password user, refusing a taken email", async () => {
    const a = await EmailPassword.signUp("public", "a@example.com", "password a1");
    const b = await EmailPassword.signUp("public", "b@example.com", "password b1");
    if (a.status !== "OK" || b.status !== "OK") throw new Error("sign up failed");
    expect(
      await EmailPassword.updateEmailOrPassword({ recipeUserId: a.recipeUserId, email: "b@example.com" }),
    ).toEqual({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
    expect(
      await EmailPassword.updateEmailOrPassword({
        recipeUserId: a.recipeUserId,
        email: "a2@example.com",
        password: "password a2",
      }),
    ).toEqual({ status: "OK" });
    expect((await EmailPassword.signIn("public", "a2@example.com", "password a2")).status).toBe("OK");
  });

  it("answers 400 to invalid input", async () => {
    for (const [body, field] of [
      [{ recipeUserId: 5 }, "recipeUserId"],
      [{ recipeUserId: "u", password: 5 }, "password"],
      [{ recipeUserId: "u", email: ["x"] }, "email"],
    ] as const) {
      const res = await fetch(`${app}/recipe/user`, {
        method: "PUT",
        headers: { "content-type": "application/json", rid: "emailpassword" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toBe(`Field name '${field}' is invalid in JSON input\n`);
    }
  });
});
