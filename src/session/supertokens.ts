import SuperTokens from "supertokens-node";
import type { RecipeInterface as SessionRecipe } from "supertokens-node/recipe/session";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import type { RecipeListFunction } from "supertokens-node/types";
import { type Config, runtimeConfig } from "../config/core.ts";
import { setCoreDeadline } from "../core-client/fetch-hook.ts";
import { budgetedSession } from "../roles/budgeted-session.ts";
import { RECIPES_WITHOUT_GLOBAL_CLAIMS, recordStart, startedWith } from "./supertokens-lifecycle.ts";

/** A recipe a function adds to Session and UserRoles, named so a second init can be compared. */
export interface NamedRecipe {
  name: string;
  init: RecipeListFunction;
}

/** What the one init was asked for (recipes and config), to tell a repeat from a different init. */
let initialisedKey: string | undefined;

/**
 * SuperTokens.init, once per process. Every function gets Session and UserRoles; `extraRecipes`
 * (EmailPassword for `auth`) stay out of the bundles that do not import them. Calling it again with
 * the same config and recipes changes nothing; with others it throws, since supertokens-node would
 * silently keep the first.
 */
export function initSuperTokens(config: Config, extraRecipes: NamedRecipe[] = []): Config {
  const key = JSON.stringify({ config, recipes: extraRecipes.map((recipe) => recipe.name) });
  const started = startedWith();
  if (started && initialisedKey !== undefined) {
    if (initialisedKey === key) return started.config;
    throw new Error(
      `session-roles: SuperTokens is already initialised with recipes [${recipeNames(initialisedKey)}]; a second init asked for [${extraRecipes.map((recipe) => recipe.name).join(", ")}] or another config. Initialise it once per function, before its handlers run.`,
    );
  }
  initialisedKey = key;
  recordStart({
    config,
    noGlobalClaims: extraRecipes.every((recipe) => RECIPES_WITHOUT_GLOBAL_CLAIMS.has(recipe.name)),
  });
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
          functions: (original) =>
            withoutEmptyClaimValidation(original, budgetedSession(original, config, config.jwtAudience)),
        },
      }),
      UserRoles.init(),
    ],
  });
  return config;
}

/**
 * `validateClaims` with no validators answers no invalid claims and no payload update — after
 * `JSON.stringify`ing the payload twice to learn that (~6-10 µs of every warm verify, bench/COLD-START.md
 * cut 9). Any validator (roles, email verification, a handler's own) takes the original path.
 * `original` is the implementation supertokens-node passed to the override (its functions must be
 * called on it, not on a copy); `layer` is our override of it, kept as it is if it has its own
 * `validateClaims`.
 */
export function withoutEmptyClaimValidation(original: SessionRecipe, layer: SessionRecipe): SessionRecipe {
  if (layer.validateClaims !== original.validateClaims) return layer;
  return {
    ...layer,
    validateClaims: (input) =>
      input.claimValidators.length === 0
        ? Promise.resolve({ invalidClaims: [], accessTokenPayloadUpdate: undefined })
        : original.validateClaims(input),
  };
}

function recipeNames(key: string): string {
  return (JSON.parse(key) as { recipes: string[] }).recipes.join(", ");
}

/**
 * The config SuperTokens runs with: what the function initialised it with, or — for a function that
 * did not — the environment's, with Session and UserRoles only. Entry points call it once each.
 */
export function startSuperTokens(): Config {
  return startedWith()?.config ?? initSuperTokens(runtimeConfig());
}
