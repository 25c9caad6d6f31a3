/**
 * EMAIL_VERIFICATION=required in a function that only verifies sessions. The setting is read at the
 * first request (once per cold start), so tests and cold starts may set it after import; only when it
 * is `required` is the claim (and with it supertokens-node) loaded — otherwise the function keeps the
 * quick path.
 */

import { emailVerificationMode } from "../config/email.ts";
import type { SessionOptions } from "../session/guards.ts";

/**
 * `options` plus the EMAIL_VERIFICATION setting: with `required` the function refuses an unverified
 * user like any other claim (403 invalid claim, id `st-ev`); with `optional` or `off` it changes nothing.
 */
export function withEmailVerification<O extends SessionOptions>(options: O = {} as O): O {
  const { deferred: earlier, overrideGlobalClaimValidators: override } = options;
  return {
    ...options,
    deferred: async () => {
      const before = earlier ? await earlier() : {};
      if (emailVerificationMode() !== "required") return before;
      const { withEmailVerifiedValidator } = await import("./email-verified-claim.ts");
      return {
        ...before,
        overrideGlobalClaimValidators: withEmailVerifiedValidator(
          before.overrideGlobalClaimValidators ?? override,
        ),
      };
    },
  };
}
