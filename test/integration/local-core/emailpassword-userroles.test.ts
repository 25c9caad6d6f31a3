import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { beforeAll, describe, expect, it } from "vitest";
import { initSuperTokens, uniqueAppId, withLocalCore } from "../../helpers/core.ts";

const core = withLocalCore();

describe("EmailPassword and UserRoles through supertokens-node", () => {
  beforeAll(async () => {
    const connectionURI = await core.createApp(uniqueAppId("ep"));
    initSuperTokens({
      connectionURI,
      recipeList: [
        EmailPassword.init(),
        UserRoles.init(),
        Session.init({ getTokenTransferMethod: () => "header" }),
      ],
    });
  });

  it("signs up, rejects a duplicate email and a wrong password, and signs in", async () => {
    const signUp = await EmailPassword.signUp("public", "Ann@Example.com", "correct horse 1");
    if (signUp.status !== "OK") throw new Error(signUp.status);
    expect(signUp.user.emails).toEqual(["ann@example.com"]);
    expect(signUp.user.loginMethods[0]).toMatchObject({ recipeId: "emailpassword", verified: false });

    expect((await EmailPassword.signUp("public", "ann@example.com", "other pw 123")).status).toBe(
      "EMAIL_ALREADY_EXISTS_ERROR",
    );
    expect((await EmailPassword.signIn("public", "ann@example.com", "wrong pw 123")).status).toBe(
      "WRONG_CREDENTIALS_ERROR",
    );
    expect((await EmailPassword.signIn("public", "nobody@example.com", "whatever 1")).status).toBe(
      "WRONG_CREDENTIALS_ERROR",
    );
    const signIn = await EmailPassword.signIn("public", "ann@example.com", "correct horse 1");
    if (signIn.status !== "OK") throw new Error(signIn.status);
    expect(signIn.user.id).toBe(signUp.user.id);

    const fetched = await SuperTokens.getUser(signUp.user.id);
    expect(fetched?.toJson()).toEqual(signUp.user.toJson());
    const byEmail = await SuperTokens.listUsersByAccountInfo("public", { email: "ann@example.com" });
    expect(byEmail.map((u) => u.id)).toEqual([signUp.user.id]);
  });

  it("resets a password with a token", async () => {
    const signUp = await EmailPassword.signUp("public", "reset@example.com", "old password 1");
    if (signUp.status !== "OK") throw new Error(signUp.status);
    const token = await EmailPassword.createResetPasswordToken("public", signUp.user.id, "reset@example.com");
    if (token.status !== "OK") throw new Error(token.status);

    expect(
      (await EmailPassword.resetPasswordUsingToken("public", token.token, "new password 1")).status,
    ).toBe("OK");
    expect((await EmailPassword.signIn("public", "reset@example.com", "new password 1")).status).toBe("OK");
    expect((await EmailPassword.signIn("public", "reset@example.com", "old password 1")).status).toBe(
      "WRONG_CREDENTIALS_ERROR",
    );
  });

  it("manages roles, permissions and role assignments", async () => {
    expect(await UserRoles.createNewRoleOrAddPermissions("editor", ["read", "write"])).toEqual({
      status: "OK",
      createdNewRole: true,
    });
    expect((await UserRoles.createNewRoleOrAddPermissions("viewer", ["read"])).createdNewRole).toBe(true);
    expect((await UserRoles.createNewRoleOrAddPermissions("editor", ["publish"])).createdNewRole).toBe(false);

    expect(await UserRoles.addRoleToUser("public", "user-1", "editor")).toEqual({
      status: "OK",
      didUserAlreadyHaveRole: false,
    });
    expect((await UserRoles.addRoleToUser("public", "user-1", "editor")).status).toBe("OK");
    expect(await UserRoles.addRoleToUser("public", "user-1", "ghost")).toEqual({
      status: "UNKNOWN_ROLE_ERROR",
    });
    await UserRoles.addRoleToUser("public", "user-2", "viewer");

    expect(await UserRoles.getRolesForUser("public", "user-1")).toEqual({ status: "OK", roles: ["editor"] });
    expect(await UserRoles.getUsersThatHaveRole("public", "viewer")).toEqual({
      status: "OK",
      users: ["user-2"],
    });
    const perms = await UserRoles.getPermissionsForRole("editor");
    expect(perms.status === "OK" && perms.permissions.sort()).toEqual(["publish", "read", "write"]);
    const readers = await UserRoles.getRolesThatHavePermission("read");
    expect(readers.roles.sort()).toEqual(["editor", "viewer"]);

    expect((await UserRoles.removePermissionsFromRole("editor", ["publish"])).status).toBe("OK");
    const after = await UserRoles.getPermissionsForRole("editor");
    expect(after.status === "OK" && after.permissions.sort()).toEqual(["read", "write"]);

    expect(await UserRoles.removeUserRole("public", "user-2", "viewer")).toEqual({
      status: "OK",
      didUserHaveRole: true,
    });
    expect(await UserRoles.deleteRole("viewer")).toEqual({ status: "OK", didRoleExist: true });
    expect((await UserRoles.getAllRoles()).roles).toEqual(["editor"]);
    expect(await UserRoles.getUsersThatHaveRole("public", "viewer")).toEqual({
      status: "UNKNOWN_ROLE_ERROR",
    });
  });

  it("puts the user's roles and permissions into a new session", async () => {
    await UserRoles.createNewRoleOrAddPermissions("auditor", ["audit"]);
    await UserRoles.addRoleToUser("public", "user-3", "auditor");

    const session = await Session.createNewSessionWithoutRequestResponse(
      "public",
      SuperTokens.convertToRecipeUserId("user-3"),
    );

    expect(session.getAccessTokenPayload()["st-role"].v).toEqual(["auditor"]);
    expect(session.getAccessTokenPayload()["st-perm"].v).toEqual(["audit"]);
  });

  it("deleting a user removes it with its sessions and roles", async () => {
    const signUp = await EmailPassword.signUp("public", "gone@example.com", "password 123");
    if (signUp.status !== "OK") throw new Error(signUp.status);
    await UserRoles.addRoleToUser("public", signUp.user.id, "editor");
    await Session.createNewSessionWithoutRequestResponse("public", signUp.recipeUserId);

    await SuperTokens.deleteUser(signUp.user.id);

    expect(await SuperTokens.getUser(signUp.user.id)).toBeUndefined();
    expect(await Session.getAllSessionHandlesForUser(signUp.user.id)).toEqual([]);
    expect((await UserRoles.getRolesForUser("public", signUp.user.id)).roles).toEqual([]);
    expect((await EmailPassword.signIn("public", "gone@example.com", "password 123")).status).toBe(
      "WRONG_CREDENTIALS_ERROR",
    );
  });
});
