import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import type { Config } from "../config/core.ts";
import { type EmailSettings, emailSettings } from "../config/email.ts";
import { passwordResetDelivery, verificationDelivery } from "../email/delivery.ts";
import { logSlowResetToken } from "../observability/log-lines.ts";
import type { NamedRecipe } from "../session/supertokens.ts";

/**
 * The recipes of the `auth` function: EmailPassword, plus EmailVerification unless
 * EMAIL_VERIFICATION=off. Tests init supertokens-node with the same list.
 */
export function authRecipes(config: Config, email: EmailSettings = emailSettings()): NamedRecipe[] {
  const recipes = [emailPasswordRecipe(config, email)];
  if (email.emailVerification !== "off") recipes.push(emailVerificationRecipe(config, email));
  return recipes;
}

/**
 * EmailPassword, where every new user gets the default role before their first session is made,
 * the reset email goes where EmailSettings say, and a password reset signs the user out everywhere
 * (REVOKE_SESSIONS_ON_PASSWORD_RESET, default true: whoever knew the old password is let go).
 */
export function emailPasswordRecipe(config: Config, email: EmailSettings = emailSettings()): NamedRecipe {
  return {
    name: "emailpassword",
    init: EmailPassword.init({
      emailDelivery: passwordResetDelivery(email.delivery, config.websiteDomain),
      override: {
        functions: (original) => ({
          ...original,
          signUp: async (input) => {
            // Checked first: a user made without their role would hold no role at all.
            await requireRole(config.defaultRole);
            const result = await original.signUp(input);
            if (result.status === "OK") {
              const granted = await UserRoles.addRoleToUser(
                input.tenantId,
                result.user.id,
                config.defaultRole,
              );
              if (granted.status !== "OK")
                throw new Error(`default role "${config.defaultRole}" is not in the core`);
            }
            return result;
          },
        }),
        apis: (original) => ({
          ...original,
          // Undefined turns the route off (404): it tells anyone whether an email has an account.
          emailExistsGET: email.signupEmailExists ? original.emailExistsGET : undefined,
          generatePasswordResetTokenPOST:
            original.generatePasswordResetTokenPOST &&
            // Called as a method of `original`: supertokens-node's override proxy needs it so.
            answerNoSooner(email.resetTokenMinMs, (input) => original.generatePasswordResetTokenPOST!(input)),
          passwordResetPOST:
            original.passwordResetPOST &&
            (async (input) => {
              const result = await original.passwordResetPOST!(input);
              if (result.status === "OK" && email.revokeSessionsOnPasswordReset)
                await Session.revokeAllSessionsForUser(result.user.id, true, undefined, input.userContext);
              return result;
            }),
        }),
      },
    }),
  };
}

/**
 * `api`, answering no sooner than `minMs` after it was called: a known email (a token made, an email
 * sent) and an unknown one (nothing to do) then take the same time. Work that takes longer than
 * `minMs` shows through: one WARN line says so, to raise RESET_TOKEN_MIN_MS.
 */
function answerNoSooner<I, O>(minMs: number, api: (input: I) => Promise<O>): (input: I) => Promise<O> {
  if (minMs <= 0) return api;
  return async (input) => {
    const started = performance.now();
    try {
      return await api(input);
    } finally {
      const left = minMs - (performance.now() - started);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      else logSlowResetToken(minMs - left, minMs);
    }
  };
}

/**
 * Refuses a sign-up (a 500 and one ERROR line saying what to run) when the default role is not in the
 * core, before any user is created: a first deploy against a core that was never seeded.
 */
async function requireRole(role: string): Promise<void> {
  // Asked once per process: a role found stays (the grant after sign-up still checks every time).
  if (rolesFound.has(role)) return;
  const { status } = await UserRoles.getPermissionsForRole(role);
  if (status === "UNKNOWN_ROLE_ERROR")
    throw new Error(
      `sign-up refused: the default role "${role}" (DEFAULT_ROLE) is not in the core; create the roles with \`npm run roles -- seed\``,
    );
  rolesFound.add(role);
}
const rolesFound = new Set<string>();

/** EmailVerification in SuperTokens' OPTIONAL or REQUIRED mode (REQUIRED: the claim is global here). */
function emailVerificationRecipe(config: Config, email: EmailSettings): NamedRecipe {
  const mode = email.emailVerification === "required" ? "REQUIRED" : "OPTIONAL";
  return {
    name: `emailverification (${mode})`,
    init: EmailVerification.init({
      mode,
      emailDelivery: verificationDelivery(email.delivery, config.websiteDomain),
    }),
  };
}
