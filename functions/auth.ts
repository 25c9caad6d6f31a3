import type { Config as NetlifyConfig } from "@netlify/functions";
import { emailPasswordRecipe } from "../src/auth-recipes.ts";
import { loadConfig } from "../src/config.ts";
import { authRoutes } from "../src/handlers/auth-routes.ts";
import { lambdaHandler, netlifyHandler } from "../src/platform.ts";
import { initSuperTokens } from "../src/supertokens.ts";

const settings = loadConfig();
initSuperTokens(settings, [emailPasswordRecipe(settings)]);

export const config: NetlifyConfig = { path: "/auth/*" };
export const handler = /* @__PURE__ */ lambdaHandler(authRoutes);
export default /* @__PURE__ */ netlifyHandler(authRoutes);
