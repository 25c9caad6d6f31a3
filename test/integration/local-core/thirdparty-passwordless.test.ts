import SuperTokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import ThirdParty from "supertokens-node/recipe/thirdparty";
import { beforeAll, describe, expect, it } from "vitest";
import { initSuperTokens, uniqueAppId, withLocalCore } from "../../helpers/core.ts";

const core = withLocalCore();

describe("ThirdParty and Passwordless through supertokens-node", () => {
  beforeAll(async () => {
    const connectionURI = await core.createApp(uniqueAppId("tp-pl"));
    initSuperTokens({
      connectionURI,
      recipeList: [
        ThirdParty.init(),
        Passwordless.init({ contactMethod: "EMAIL_OR_PHONE", flowType: "USER_INPUT_CODE_AND_MAGIC_LINK" }),
      ],
    });
  });

  it("creates a third-party user once and updates its email on the next sign in", async () => {
    const first = await ThirdParty.manuallyCreateOrUpdateUser(
      "public",
      "google",
      "g-1",
      "A@Example.com",
      true,
    );
    if (first.status !== "OK") throw new Error(first.status);
    expect(first.createdNewRecipeUser).toBe(true);
    expect(first.user.thirdParty).toEqual([{ id: "google", userId: "g-1" }]);
    expect(first.user.loginMethods[0]).toMatchObject({
      recipeId: "thirdparty",
      email: "a@example.com",
      verified: true,
    });

    const again = await ThirdParty.manuallyCreateOrUpdateUser(
      "public",
      "google",
      "g-1",
      "b@example.com",
      false,
    );
    if (again.status !== "OK") throw new Error(again.status);
    expect(again.createdNewRecipeUser).toBe(false);
    expect(again.user.id).toBe(first.user.id);
    expect(again.user.emails).toEqual(["b@example.com"]);
    const found = await SuperTokens.listUsersByAccountInfo("public", {
      thirdParty: { id: "google", userId: "g-1" },
    });
    expect(found.map((u) => u.id)).toEqual([first.user.id]);
  });

  it("signs up and back in with a phone code, and counts wrong codes", async () => {
    const code = await Passwordless.createCode({ tenantId: "public", phoneNumber: "+15550001111" });
    const wrong = await Passwordless.consumeCode({
      tenantId: "public",
      preAuthSessionId: code.preAuthSessionId,
      deviceId: code.deviceId,
      userInputCode: code.userInputCode === "000000" ? "111111" : "000000",
    });
    expect(wrong).toMatchObject({
      status: "INCORRECT_USER_INPUT_CODE_ERROR",
      failedCodeInputAttemptCount: 1,
      maximumCodeInputAttempts: 5,
    });
    const ok = await Passwordless.consumeCode({
      tenantId: "public",
      preAuthSessionId: code.preAuthSessionId,
      deviceId: code.deviceId,
      userInputCode: code.userInputCode,
    });
    if (ok.status !== "OK") throw new Error(ok.status);
    expect(ok.createdNewRecipeUser).toBe(true);
    expect(ok.user.phoneNumbers).toEqual(["+15550001111"]);
    expect(ok.user.loginMethods[0]).toMatchObject({
      recipeId: "passwordless",
      phoneNumber: "+15550001111",
      verified: true,
    });
    // The device is used up.
    const reused = await Passwordless.consumeCode({
      tenantId: "public",
      preAuthSessionId: code.preAuthSessionId,
      deviceId: code.deviceId,
      userInputCode: code.userInputCode,
    });
    expect(reused.status).toBe("RESTART_FLOW_ERROR");

    const link = await Passwordless.createCode({ tenantId: "public", phoneNumber: "+15550001111" });
    await expect(
      Passwordless.consumeCode({
        tenantId: "public",
        preAuthSessionId: "not-this-device",
        deviceId: link.deviceId,
        userInputCode: link.userInputCode,
      }),
    ).rejects.toThrow("preAuthSessionId and deviceId doesn't match");
    const signIn = await Passwordless.consumeCode({
      tenantId: "public",
      preAuthSessionId: link.preAuthSessionId,
      linkCode: link.linkCode,
    });
    if (signIn.status !== "OK") throw new Error(signIn.status);
    expect(signIn.createdNewRecipeUser).toBe(false);
    expect(signIn.user.id).toBe(ok.user.id);
  });

  it("ends the flow after too many wrong codes and lists/revokes codes", async () => {
    const code = await Passwordless.createCode({ tenantId: "public", email: "pl@example.com" });
    const devices = await Passwordless.listCodesByEmail({ tenantId: "public", email: "pl@example.com" });
    expect(devices.map((d) => d.preAuthSessionId)).toEqual([code.preAuthSessionId]);
    let last = "";
    for (let i = 0; i < 5; i++) {
      const r = await Passwordless.consumeCode({
        tenantId: "public",
        preAuthSessionId: code.preAuthSessionId,
        deviceId: code.deviceId,
        userInputCode: "not-a-code",
      });
      last = r.status;
    }
    expect(last).toBe("RESTART_FLOW_ERROR");
    await Passwordless.createCode({ tenantId: "public", email: "pl@example.com" });
    await Passwordless.revokeAllCodes({ tenantId: "public", email: "pl@example.com" });
    expect(await Passwordless.listCodesByEmail({ tenantId: "public", email: "pl@example.com" })).toEqual([]);
  });
});
