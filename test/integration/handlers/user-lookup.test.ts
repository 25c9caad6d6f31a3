// The admin look-up the demo uses (GET /users/lookup?email=…, served by the user-roles function), and
// the GRANTABLE_ROLES switch of that function.
import UserRoles from "supertokens-node/recipe/userroles";
import { describe, expect, it } from "vitest";
import { grantableFromEnv } from "../../../src/config/roles.ts";
import { createUserRoles, userRoles } from "../../../src/handlers/user-roles.ts";
import type { Target } from "../../helpers/events.ts";
import { captureOutput } from "../../helpers/log-lines.ts";
import {
  authenticated,
  type Credentials,
  sessionTargets,
  signUp,
  uniqueEmail,
  withSuperTokens,
} from "../../helpers/session-client.ts";

withSuperTokens();

const adminTargets = (handler = userRoles): Target[] =>
  sessionTargets(handler as never, { requireRoles: ["admin"] });

async function signUpAdmin(): Promise<Credentials> {
  const admin = await signUp("cookie");
  await UserRoles.addRoleToUser("public", admin.userId, "admin");
  return admin;
}

const lookup = (email: string | string[] | undefined, method = "GET") => ({
  method,
  path: "/users/lookup",
  ...(email === undefined ? {} : { query: { email } }),
});

describe("GET /users/lookup?email=", () => {
  it("finds a user by email with the core's roles, on every shape", async () => {
    const admin = await signUpAdmin();
    const email = uniqueEmail("lookup");
    const user = await signUp("header", email);
    for (const target of adminTargets()) {
      // A pasted address keeps its spaces; they are not part of it.
      for (const given of [email, `  ${email} `]) {
        const reply = await target.call(authenticated(admin, lookup(given)));
        expect(reply.status, `${target.name}: ${reply.body}`).toBe(200);
        expect(reply.json).toEqual({
          userId: user.userId,
          email,
          role: "user",
          roles: ["user"],
          permissions: ["content:read"],
        });
      }
    }
  });

  it("shows a grant made through the API at once", async () => {
    const admin = await signUpAdmin();
    const email = uniqueEmail("granted");
    const user = await signUp("cookie", email);
    const [target] = adminTargets();
    const granted = await target!.call(
      authenticated(admin, { method: "PUT", path: `/users/${user.userId}/roles/editor` }),
    );
    expect(granted.status, granted.body).toBe(200);
    const reply = await target!.call(authenticated(admin, lookup(email)));
    expect(reply.json).toMatchObject({ userId: user.userId, role: "editor", roles: ["user", "editor"] });
  });

  it("answers 404 for an email nobody has", async () => {
    const admin = await signUpAdmin();
    for (const target of adminTargets()) {
      const reply = await target.call(authenticated(admin, lookup("nobody-here@example.com")));
      expect(reply.status, `${target.name}: ${reply.body}`).toBe(404);
      expect(reply.json).toEqual({ message: "no user has this email", email: "nobody-here@example.com" });
    }
  });

  it("refuses a missing, repeated or malformed email with 400, and other methods with 405", async () => {
    const admin = await signUpAdmin();
    const [target] = adminTargets();
    const cases: Array<[string | string[] | undefined, string]> = [
      [undefined, "give exactly one email: /users/lookup?email=someone@example.com"],
      [["a@example.com", "b@example.com"], "give exactly one email: /users/lookup?email=someone@example.com"],
      ["", "not an email address"],
      ["not-an-email", "not an email address"],
      ["two words@example.com", "not an email address"],
      ["a@b@example.com", "not an email address"],
      ["nul\u0000@example.com", "not an email address"],
      [`${"x".repeat(400)}@example.com`, "not an email address"],
    ];
    for (const [email, message] of cases) {
      const reply = await target!.call(authenticated(admin, lookup(email)));
      expect(reply.status, `${JSON.stringify(email)}: ${reply.body}`).toBe(400);
      expect(reply.json).toEqual({ message });
    }
    for (const method of ["POST", "PUT", "DELETE"]) {
      const reply = await target!.call(authenticated(admin, lookup("a@example.com", method)));
      expect(reply.status, `${method}: ${reply.body}`).toBe(405);
      expect(reply.json).toEqual({ message: "use GET here" });
    }
  });
});

describe("user-roles paths", () => {
  it("answers 404 for paths it does not serve and 400 for a padded user id", async () => {
    const admin = await signUpAdmin();
    const [target] = adminTargets();
    for (const path of ["/users", "/users/", "/users/lookup/more", `/users/${admin.userId}`]) {
      const reply = await target!.call(authenticated(admin, { path }));
      expect(reply.status, `${path}: ${reply.body}`).toBe(404);
      expect(reply.json).toEqual({ message: "no such route" });
    }
    const padded = await target!.call(authenticated(admin, { path: `/users/%20${admin.userId}/roles` }));
    expect(padded.status, padded.body).toBe(400);
    expect(padded.json).toEqual({ message: "invalid user id" });
  });
});

describe("GRANTABLE_ROLES", () => {
  it("is 'declared' unless set to 'any'; anything else fails the cold start with one line", () => {
    expect(grantableFromEnv({})).toBe("declared");
    expect(grantableFromEnv({ GRANTABLE_ROLES: "" })).toBe("declared");
    expect(grantableFromEnv({ GRANTABLE_ROLES: "declared" })).toBe("declared");
    expect(grantableFromEnv({ GRANTABLE_ROLES: "any" })).toBe("any");
    expect(() => grantableFromEnv({ GRANTABLE_ROLES: "admin,editor" })).toThrow(
      'session-roles config: GRANTABLE_ROLES must be "declared" or "any" (got "admin,editor")',
    );
  });

  it("'any' grants a role the core holds beyond roles.json; a name the core lacks is still 400", async () => {
    await UserRoles.createNewRoleOrAddPermissions("auditor", ["audit:read"]);
    const admin = await signUpAdmin();
    const user = await signUp("header");
    const [declared] = adminTargets();
    const [any] = adminTargets(createUserRoles({ grantable: "any" }));
    const path = `/users/${user.userId}/roles/auditor`;
    const refused = await declared!.call(authenticated(admin, { method: "PUT", path }));
    expect(refused.status, refused.body).toBe(400);
    expect(refused.json).toEqual({ message: "role not grantable", role: "auditor" });
    const granted = await any!.call(authenticated(admin, { method: "PUT", path }));
    expect(granted.status, granted.body).toBe(200);
    expect(granted.json).toMatchObject({
      roles: ["user", "auditor"],
      permissions: ["content:read", "audit:read"],
    });
    const unknown = await any!.call(
      authenticated(admin, { method: "PUT", path: `/users/${user.userId}/roles/astronaut` }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ message: "unknown role", role: "astronaut" });
    const padded = await any!.call(
      authenticated(admin, { method: "PUT", path: `/users/${user.userId}/roles/%20admin` }),
    );
    expect(padded.status).toBe(400);
    expect((await UserRoles.getRolesForUser("public", user.userId)).roles).toEqual(["user", "auditor"]);
  });

  it("a bad value is answered at the request as a config error naming the variable, not a crash at import", async () => {
    const admin = await signUpAdmin();
    const [target] = adminTargets(
      createUserRoles({ grantable: () => grantableFromEnv({ GRANTABLE_ROLES: "all" }) }),
    );
    const output = captureOutput();
    try {
      const reply = await target!.call(
        authenticated(admin, { method: "PUT", path: `/users/${admin.userId}/roles/editor` }),
      );
      expect(reply.status).toBe(500);
      expect(reply.json).toEqual({ message: "function misconfigured" });
      const [line] = output.logs("ERROR");
      expect(line).toMatchObject({ message: "config error" });
      expect(String(line?.error)).toContain('GRANTABLE_ROLES must be "declared" or "any" (got "all")');
    } finally {
      output.stop();
    }
    expect((await UserRoles.getRolesForUser("public", admin.userId)).roles).toEqual(["user", "admin"]);
  });
});
