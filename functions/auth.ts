import type { Config as NetlifyConfig } from "@netlify/functions";
import { runtimeConfig } from "../src/config.ts";
import { emailPasswordRecipe } from "../src/handlers/auth-recipes.ts";
import { authRoutes } from "../src/handlers/auth-routes.ts";
import { lambdaHandler, netlifyHandler } from "../src/session/entry-points.ts";
import { initSuperTokens } from "../src/session/supertokens.ts";

initSuperTokens(runtimeConfig(), [emailPasswordRecipe(runtimeConfig())]);

export const config: NetlifyConfig = { path: "/auth/*" };
export const handler = /* @__PURE__ */ lambdaHandler(authRoutes);
export default /* @__PURE__ */ netlifyHandler(authRoutes);
