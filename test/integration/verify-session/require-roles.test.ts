// requireRoles: checked against the core on every request, so granting or revoking a role counts at once.
import type { SessionContainer } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { describe, expect, it } from "vitest";
import {
  authenticated,
  decodeJwtPayload,
  invalidClaim,
  issuedAccessToken,
  sessionTargets,
  signUp,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

withSuperTokens();
const user = withSignedInUser("header", signUp);

const ok = ({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() });

describe.each(sessionTargets(ok, { requireRoles: ["admin", "editor"] }))("$name", (target) => {
  it("refuses a user missing a role with 403, and lets them in once the core grants both", async () => {
    await UserRoles.removeUserRole("public", user.userId, "admin");
    await UserRoles.addRoleToUser("public", user.userId, "editor");
    const refused = await target.call(authenticated(user, { path: "/admin" }));
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject(
      invalidClaim("st-role", { message: "wrong value", expectedToInclude: "admin" }),
    );

    await UserRoles.addRoleToUser("public", user.userId, "admin");
    for (let round = 0; round < 3; round++) {
      const reply = await target.call(authenticated(user, { path: "/admin" }));
      expect(reply.status, reply.body).toBe(200);
      expect(reply.json).toEqual({ userId: user.userId });
      // The roles just fetched travel in a new access token.
      const roles = (decodeJwtPayload(issuedAccessToken(reply, "header")!)["st-role"] as { v: string[] }).v;
      expect(roles.sort()).toEqual(["admin", "editor", "user"]);
    }
  });
});
