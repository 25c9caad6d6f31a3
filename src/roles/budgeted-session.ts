import type { RecipeInterface, SessionInformation } from "supertokens-node/recipe/session";
import type { JSONObject } from "supertokens-node/types";
import { ROLE_KEY } from "./in-token.ts";
import { pickRole } from "./precedence.ts";
import {
  COMPACTED_KEY,
  compactedClaims,
  fitPayload,
  OMISSIBLE_CLAIMS,
  signedSizes,
  type TokenOwner,
  unverifiedClaims,
  warnCompacted,
  withinBudget,
} from "./token-budget.ts";

/**
 * supertokens-node's merge of an update into a stored payload: `null` deletes a claim. (The stored
 * payload never holds the core's own claims: the core refuses them.)
 */
function merged(stored: JSONObject, update: JSONObject): JSONObject {
  const out: JSONObject = { ...stored, ...update };
  for (const [key, value] of Object.entries(update)) if (value === null) delete out[key];
  return out;
}

const ownerOf = (info: SessionInformation): TokenOwner => ({
  userId: info.userId,
  recipeUserId: info.recipeUserId.getAsString(),
  tenantId: info.tenantId,
});

/**
 * The Session recipe's functions with the token budget applied: every way a payload reaches the core
 * goes through here — session creation (UserRoles' st-role/st-perm, plus `role`), a session's own
 * merge (update-role, fetchAndSetClaim, the guards' refetch: all regenerateAccessToken), and the merge by
 * session handle (the admin API). A refresh re-signs the stored payload, so it only needs repair for
 * sessions stored before the budget existed.
 */
export function budgetedSession(
  original: RecipeInterface,
  precedence: readonly string[],
  audience?: string,
): RecipeInterface {
  return {
    ...original,

    createNewSession: async (input) => {
      const payload: JSONObject = { ...input.accessTokenPayload };
      // `role` beside the st-role claim UserRoles just added, picked before anything is left out.
      const roles = (payload["st-role"] as { v?: unknown } | undefined)?.v;
      payload[ROLE_KEY] = Array.isArray(roles) ? pickRole(roles, precedence) : null;
      // The audience API Gateway's JWT authorizer checks; it stays through every merge and refresh.
      if (audience) payload.aud = audience;
      const fit = fitPayload(payload, {
        userId: input.userId,
        recipeUserId: input.recipeUserId.getAsString(),
        tenantId: input.tenantId,
      });
      warnCompacted(fit, [], { userId: input.userId, via: "createNewSession" });
      return original.createNewSession({ ...input, accessTokenPayload: fit.payload });
    },

    regenerateAccessToken: async (input) => {
      const current = unverifiedClaims(input.accessToken);
      const userId = String(current.sub ?? "");
      const owner = {
        userId,
        recipeUserId: typeof current.rsub === "string" ? current.rsub : userId,
        tenantId: typeof current.tId === "string" ? current.tId : "public",
      };
      const fit = fitPayload(input.newAccessTokenPayload ?? {}, owner);
      warnCompacted(fit, compactedClaims(current), {
        userId,
        sessionHandle: String(current.sessionHandle ?? ""),
        via: "regenerateAccessToken",
      });
      return original.regenerateAccessToken({ ...input, newAccessTokenPayload: fit.payload });
    },

    mergeIntoAccessTokenPayload: async (input) => {
      // The fit needs the whole payload: one more read of the session than supertokens-node does.
      const info = await original.getSessionInformation({
        sessionHandle: input.sessionHandle,
        userContext: input.userContext,
      });
      if (info === undefined) return false;
      const stored = info.customClaimsInAccessTokenPayload as JSONObject;
      const fit = fitPayload(merged(stored, input.accessTokenPayloadUpdate), ownerOf(info));
      warnCompacted(fit, compactedClaims(stored), {
        userId: info.userId,
        sessionHandle: input.sessionHandle,
        via: "mergeIntoAccessTokenPayload",
      });
      // The same merge, with what the fit left out deleted and the marker as it decided.
      const update: JSONObject = { ...input.accessTokenPayloadUpdate };
      for (const key of [...OMISSIBLE_CLAIMS, COMPACTED_KEY]) update[key] = fit.payload[key] ?? null;
      return original.mergeIntoAccessTokenPayload({ ...input, accessTokenPayloadUpdate: update });
    },

    refreshSession: async (input) => {
      const session = await original.refreshSession(input);
      // Stored before the budget (or by code that bypassed it): rewrite it compact now, one regenerate,
      // rather than hand the browser a token it drops.
      if (!withinBudget(signedSizes(session.getAllSessionTokensDangerously())))
        await session.mergeIntoAccessTokenPayload({}, input.userContext);
      return session;
    },
  };
}
