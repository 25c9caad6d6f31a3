import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import type { RecipeListFunction } from "supertokens-node/types";
import { type Config, loadConfig } from "./config.ts";
import { setCoreDeadline } from "./core-fetch.ts";
import { pickRole, ROLE_KEY } from "./roles.ts";

let initialisedWith: Config | undefined;

/**
 * SuperTokens.init, once per process. Every function gets Session and UserRoles; `extraRecipes`
 * (EmailPassword for `auth`) stay out of the bundles that do not import them.
 */
export function initSuperTokens(config: Config, extraRecipes: RecipeListFunction[] = []): void {
  if (initialisedWith) return;
  initialisedWith = config;
  setCoreDeadline(config.connectionUri, config.coreTimeoutMs);
  SuperTokens.init({
    framework: "custom",
    supertokens: { connectionURI: config.connectionUri, apiKey: config.apiKey },
    appInfo: {
      appName: "session-roles",
      apiDomain: config.apiDomain,
      websiteDomain: config.websiteDomain,
      apiBasePath: config.apiBasePath,
      apiGatewayPath: config.apiGatewayPath,
    },
    recipeList: [
      ...extraRecipes,
      Session.init({
        antiCsrf: config.antiCsrf,
        // Always given, so supertokens-node never needs the public-suffix list (tldts) to choose it;
        // the build leaves tldts out (bench/TRICKS.md).
        cookieSameSite: config.cookieSameSite,
        override: {
          functions: (original) => ({
            ...original,
            // Every new session starts with `role` beside the st-role claim UserRoles just added.
            createNewSession: async (input) => {
              const roles = input.accessTokenPayload?.["st-role"]?.v;
              const role = Array.isArray(roles) ? pickRole(roles, config.rolePrecedence) : null;
              return original.createNewSession({
                ...input,
                accessTokenPayload: { ...input.accessTokenPayload, [ROLE_KEY]: role },
              });
            },
          }),
        },
      }),
      UserRoles.init(),
    ],
  });
}

/** The config SuperTokens runs with, initialising it from the environment on first use. */
export function ensureSuperTokens(extraRecipes: RecipeListFunction[] = []): Config {
  if (!initialisedWith) initSuperTokens(loadConfig(), extraRecipes);
  return initialisedWith as Config;
}
