// The authorizer with withEmailVerification (as functions/authorizer.ts ships): EMAIL_VERIFICATION=required
// denies an unverified user (403), like editor-only, and lets them in once the core says verified.
import SuperTokens from "supertokens-node";
import EmailVerification from "supertokens-node/recipe/emailverification";
import { describe, expect, it } from "vitest";
import { withEmailVerification } from "../../../src/email/require-verified.ts";
import { sessionAuthorizer } from "../../../src/session/authorizer.ts";
import { allowed, httpApiAuthorizerEvent } from "../../helpers/authorizer-events.ts";
import { signUp, withSuperTokens } from "../../helpers/session-client.ts";

withSuperTokens({ env: { EMAIL_VERIFICATION: "required" } });

describe("EMAIL_VERIFICATION=required", () => {
  const authorize = sessionAuthorizer(withEmailVerification({}));

  it("denies a user whose email is not verified (403), and allows once it is", async () => {
    const user = await signUp("header");
    const event = httpApiAuthorizerEvent(user.accessToken);
    expect(allowed(await authorize(event))).toBe(false);
    const recipeUserId = SuperTokens.convertToRecipeUserId(user.userId);
    const token = await EmailVerification.createEmailVerificationToken("public", recipeUserId);
    if (token.status !== "OK") throw new Error(token.status);
    expect((await EmailVerification.verifyEmailUsingToken("public", token.token)).status).toBe("OK");
    expect(allowed(await authorize(event))).toBe(true);
  });
});
