// Privilege: the role never comes from the client; the admin API refuses non-admins and an admin
// whose role was just revoked; the local core listens on loopback only and enforces its API key.
// This whole file runs supertokens-node against a core that demands an API key.
import { networkInterfaces } from "node:os";
import UserRoles from "supertokens-node/recipe/userroles";
import { beforeAll, describe, expect, it } from "vitest";
import { startLocalCore } from "../../../local-core/index.ts";
import { updateRole } from "../../../src/handlers/update-role.ts";
import { userRoles } from "../../../src/handlers/user-roles.ts";
import { connectionRefused } from "../../helpers/core.ts";
import type { RequestSpec, Target } from "../../helpers/events.ts";
import {
  authenticated,
  type Credentials,
  decodeJwtPayload,
  issuedAccessToken,
  sessionTargets,
  signUp,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const API_KEY = "security-test-api-key-0123456789";
const core = withSuperTokens({ core: { apiKey: API_KEY }, env: { SUPERTOKENS_API_KEY: API_KEY } });

const updateTargets = (): Target[] => sessionTargets(updateRole as never);
const adminTargets = (): Target[] => sessionTargets(userRoles as never, { requireRoles: ["admin"] });

describe("the role is never taken from the client", () => {
  it("body, query, headers and a forged non-SuperTokens cookie saying admin change nothing", async () => {
    for (const mode of ["header", "cookie"] as const) {
      const credentials = await signUp(mode);
      const spec = {
        method: "POST",
        path: "/update-role",
        body: JSON.stringify({ role: "admin", roles: ["admin"], "st-role": { v: ["admin"] } }),
        query: { role: "admin", "st-role": "admin" },
        headers: {
          "content-type": "application/json",
          role: "admin",
          "x-role": "admin",
          "x-user-role": "admin",
        },
        cookies: { role: "admin", "st-role": "admin" },
      };
      for (const target of updateTargets()) {
        const reply = await target.call(authenticated(credentials, spec));
        expect(reply.status, `${mode} ${target.name}: ${reply.body}`).toBe(200);
        expect(reply.json).toMatchObject({ role: "user", roles: ["user"] });
        const payload = decodeJwtPayload(issuedAccessToken(reply, mode)!) as Record<string, { v?: unknown }>;
        expect(payload.role).toBe("user");
        expect(payload["st-role"]?.v).toEqual(["user"]);
        expect(payload["st-perm"]?.v).not.toContain("users:manage");
      }
      expect((await UserRoles.getRolesForUser("public", credentials.userId)).roles).toEqual(["user"]);
    }
  });
});

describe("the admin API (user-roles)", () => {
  let target: Credentials;
  beforeAll(async () => {
    target = await signUp("header");
  });

  const routes = (userId: string): RequestSpec[] => [
    { method: "GET", path: `/users/${userId}/roles` },
    { method: "PUT", path: `/users/${userId}/roles/admin` },
    { method: "DELETE", path: `/users/${userId}/roles/user` },
    // The look-up tells who has an email: admins only, like the rest of /users/*.
    { method: "GET", path: "/users/lookup", query: { email: "someone@example.com" } },
  ];

  it("refuses users, editors and role-less users with 403 on GET, PUT, DELETE and the look-up, on every shape", async () => {
    const callers: Credentials[] = [];
    for (const role of ["user", "editor", null] as const) {
      const caller = await signUp("cookie");
      await UserRoles.removeUserRole("public", caller.userId, "user");
      if (role) await UserRoles.addRoleToUser("public", caller.userId, role);
      callers.push(caller);
    }
    for (const caller of callers)
      for (const spec of routes(target.userId))
        for (const handler of adminTargets()) {
          const reply = await handler.call(authenticated(caller, spec));
          expect(reply.status, `${spec.method} ${spec.path} ${handler.name}: ${reply.body}`).toBe(403);
          expect((reply.json as { message?: string }).message).toBe("invalid claim");
        }
    // Nothing changed in the core.
    expect((await UserRoles.getRolesForUser("public", target.userId)).roles).toEqual(["user"]);
  });

  it("an admin whose admin role is revoked in the core is refused on the very next request, same token", async () => {
    const adminUser = await signUp("header");
    await UserRoles.addRoleToUser("public", adminUser.userId, "admin");
    const [lambda] = adminTargets();
    const get = routes(target.userId)[0]!;
    expect((await lambda!.call(authenticated(adminUser, get))).status).toBe(200);
    await UserRoles.removeUserRole("public", adminUser.userId, "admin");
    for (const handler of adminTargets())
      for (const spec of routes(target.userId)) {
        const reply = await handler.call(authenticated(adminUser, spec));
        expect(reply.status, `${spec.method} ${handler.name}`).toBe(403);
      }
    expect((await UserRoles.getRolesForUser("public", target.userId)).roles).toEqual(["user"]);
  });
});

describe("the local core", () => {
  it("binds to 127.0.0.1 by default, and only there", async () => {
    expect(new URL(core.url).hostname).toBe("127.0.0.1");
    const other = await startLocalCore({ port: 0 });
    try {
      expect(new URL(other.url).hostname).toBe("127.0.0.1");
      expect(await connectionRefused("127.0.0.1", other.port)).toBe(false);
      const elsewhere = Object.values(networkInterfaces())
        .flat()
        .filter((address) => address && !address.internal)
        .map((address) => address!.address);
      for (const address of [...elsewhere, "::1"])
        expect(await connectionRefused(address, other.port), address).toBe(true);
    } finally {
      await other.close();
    }
  });

  it("enforces its API key: missing or wrong → 401, right → 200; supertokens-node with the key works", async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { "api-key": "wrong-key-wrong-key-wrong" },
      { "api-key": `${API_KEY}x` },
      { authorization: "x" },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${core.url}/recipe/roles`, { headers: { "cdi-version": "5.4", ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      await res.text();
    }
    const ok = await fetch(`${core.url}/recipe/roles`, {
      headers: { "cdi-version": "5.4", "api-key": API_KEY },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { roles: string[] }).roles).toEqual(
      expect.arrayContaining(["admin", "editor", "user"]),
    );
    // Everything in this file went through supertokens-node configured with the key.
    expect(
      core.requests.filter((request) => request.status === 401 && request.path !== "/recipe/roles"),
    ).toEqual([]);
    expect((await UserRoles.getAllRoles()).roles).toEqual(expect.arrayContaining(["admin"]));
  });
});
