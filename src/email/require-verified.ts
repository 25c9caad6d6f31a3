/**
 * EMAIL_VERIFICATION=required in a function that only verifies sessions. Initialising the
 * EmailVerification recipe there would add its APIs and email delivery to every bundle; the claim
 * alone is a few hundred bytes and reads the same core state (the user's login method `verified`).
 */
import SuperTokens from "supertokens-node";
import type { SessionClaimValidator } from "supertokens-node/recipe/session";
import { BooleanClaim } from "supertokens-node/recipe/session/claims";
import type { SessionOptions } from "../session/guards.ts";
import { emailVerificationMode } from "./settings.ts";

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
 * `options` plus the EMAIL_VERIFICATION setting: with `required` the function refuses an unverified
 * user like any other claim; with `optional` or `off` it changes nothing. The setting is read at the
 * first request (once per cold start), so tests and cold starts may set it after import.
 */
export function withEmailVerification<O extends SessionOptions>(options: O = {} as O): O {
  const { overrideGlobalClaimValidators: override } = options;
  const validator = emailVerifiedValidator();
  return {
    ...options,
    overrideGlobalClaimValidators: async (globals, session, userContext) => {
      const base = override ? await override(globals, session, userContext) : globals;
      if (emailVerificationMode() !== "required") return base;
      // Where the EmailVerification recipe is initialised (REQUIRED) its own validator is global; it
      // waits 10 s before asking the core again, ours does not: keep one, ours.
      return [...base.filter((other) => other.id !== validator.id), validator];
    },
  };
}
