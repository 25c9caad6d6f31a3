import { authRecipes } from "../src/handlers/auth-recipes.ts";
import { authRoutes } from "../src/handlers/auth-routes.ts";
import { type FunctionConfig, runtimeConfig } from "../src/index.ts";
import { lambdaHandler, netlifyHandler } from "../src/session/entry-points.ts";
import { initSuperTokens } from "../src/session/supertokens.ts";

// SuperTokens' own routes need EmailPassword (and EmailVerification unless EMAIL_VERIFICATION=off)
// besides Session and UserRoles: init them here, once.
initSuperTokens(runtimeConfig(), authRecipes(runtimeConfig()));

export const config: FunctionConfig = { path: "/auth/*" };
export const handler = lambdaHandler(authRoutes);
export default netlifyHandler(authRoutes);
