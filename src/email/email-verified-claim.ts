/**
 * The email-verified claim for EMAIL_VERIFICATION=required in a function that only verifies sessions
 * (loaded by ./require-verified.ts only then). Initialising the EmailVerification recipe there would
 * add its APIs and email delivery to every bundle; the claim alone is a few hundred bytes and reads
 * the same core state (the user's login method `verified`).
 */
import SuperTokens from "supertokens-node";
import type { SessionClaimValidator, VerifySessionOptions } from "supertokens-node/recipe/session";
import { BooleanClaim } from "supertokens-node/recipe/session/claims";

/** The EmailVerification recipe's claim (same key, same value), fetched with one core call. */
const EmailVerifiedClaim = new BooleanClaim({
  key: "st-ev",
  fetchValue: async (_userId, recipeUserId, _tenantId, _payload, userContext) => {
    const user = await SuperTokens.getUser(recipeUserId.getAsString(), userContext);
    const login = user?.loginMethods.find(
      (method) => method.recipeUserId.getAsString() === recipeUserId.getAsString(),
    );
    // A user the core does not know is never verified (SuperTokens' claim would throw: a 500).
    if (login === undefined) return false;
    // No email to verify (a phone number): verified, as SuperTokens' claim has it.
    return login.email === undefined ? true : login.verified;
  },
});

/**
 * Refuses (403 invalid claim, id `st-ev`) a session whose email is not verified. A token that says
 * "not verified" (or nothing) is checked against the core on every request, so a user who just
 * clicked the link gets in at once; a token that says "verified" costs no core call.
 */
function emailVerifiedValidator(): SessionClaimValidator {
  return {
    ...EmailVerifiedClaim.validators.hasValue(true),
    shouldRefetch: (payload, userContext) =>
      EmailVerifiedClaim.getValueFromPayload(payload, userContext) !== true,
  };
}

/**
 * `override` with the email-verified validator added. Where the EmailVerification recipe is
 * initialised (REQUIRED) its own validator is global; it waits 10 s before asking the core again,
 * ours does not: keep one, ours.
 */
export function withEmailVerifiedValidator(
  override: VerifySessionOptions["overrideGlobalClaimValidators"],
): NonNullable<VerifySessionOptions["overrideGlobalClaimValidators"]> {
  const validator = emailVerifiedValidator();
  return async (globals, session, userContext) => {
    const base = override ? await override(globals, session, userContext) : globals;
    return [...base.filter((other) => other.id !== validator.id), validator];
  };
}
