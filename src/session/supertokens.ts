import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import type { RecipeListFunction } from "supertokens-node/types";
import { type Config, runtimeConfig } from "../config.ts";
import { setCoreDeadline } from "../core-client/fetch-hook.ts";
import { budgetedSession } from "../roles/budgeted-session.ts";

/** A recipe a function adds to Session and UserRoles, named so a second init can be compared. */
export interface NamedRecipe {
  name: string;
  init: RecipeListFunction;
}

let initialised: { config: Config; key: string } | undefined;

/**
 * SuperTokens.init, once per process. Every function gets Session and UserRoles; `extraRecipes`
 * (EmailPassword for `auth`) stay out of the bundles that do not import them. Calling it again with
 * the same config and recipes changes nothing; with others it throws, since supertokens-node would
 * silently keep the first.
 */
export function initSuperTokens(config: Config, extraRecipes: NamedRecipe[] = []): Config {
  const key = JSON.stringify({ config, recipes: extraRecipes.map((recipe) => recipe.name) });
  if (initialised) {
    if (initialised.key === key) return initialised.config;
    throw new Error(
      `session-roles: SuperTokens is already initialised with recipes [${recipeNames(initialised.key)}]; a second init asked for [${extraRecipes.map((recipe) => recipe.name).join(", ")}] or another config. Initialise it once per function, before its handlers run.`,
    );
  }
  initialised = { config, key };
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
      ...extraRecipes.map((recipe) => recipe.init),
      Session.init({
        antiCsrf: config.antiCsrf,
        // Always given, so supertokens-node never needs the public-suffix list (tldts) to choose it;
        // the build leaves tldts out (bench/TRICKS.md).
        cookieSameSite: config.cookieSameSite,
        override: {
          // New sessions get `role`; every payload written (create, merge, regenerate, refresh repair)
          // is kept within the access token's size budget (src/roles/token-budget.ts).
          functions: (original) => budgetedSession(original, config.rolePrecedence, config.jwtAudience),
        },
      }),
      UserRoles.init(),
    ],
  });
  return config;
}

function recipeNames(key: string): string {
  return (JSON.parse(key) as { recipes: string[] }).recipes.join(", ");
}

/**
 * The config SuperTokens runs with: what the function initialised it with, or — for a function that
 * did not — the environment's, with Session and UserRoles only. Entry points call it once each.
 */
export function superTokensConfig(): Config {
  return initialised?.config ?? initSuperTokens(runtimeConfig());
}
