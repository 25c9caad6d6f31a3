// The authorizer's checkDatabase: a revoked session refused at once, for one more core call.
import Session from "supertokens-node/recipe/session";
import { describe, expect, it } from "vitest";
import { sessionAuthorizer } from "../../../src/session/authorizer.ts";
import { allowed, httpApiAuthorizerEvent } from "../../helpers/authorizer-events.ts";
import { decodeJwtPayload, signUp, withSuperTokens } from "../../helpers/session-client.ts";

const core = withSuperTokens();

describe("checkDatabase", () => {
  const plain = sessionAuthorizer();
  const checked = sessionAuthorizer({ checkDatabase: true });

  it("refuses a revoked session at once, for one more core call; without it the token's lifetime decides", async () => {
    const user = await signUp("header");
    const event = httpApiAuthorizerEvent(user.accessToken);
    expect(allowed(await checked(event))).toBe(true);
    core.clearRequests();
    expect(allowed(await checked(event))).toBe(true);
    const withCheck = core.requests.length;
    core.clearRequests();
    expect(allowed(await plain(event))).toBe(true);
    expect(withCheck).toBe(core.requests.length + 1);

    await Session.revokeSession(String(decodeJwtPayload(user.accessToken).sessionHandle));
    await expect(checked(event)).rejects.toThrow("Unauthorized");
    expect(allowed(await plain(event))).toBe(true);
  });
});
