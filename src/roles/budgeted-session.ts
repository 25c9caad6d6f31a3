import type { RecipeInterface, SessionContainer, SessionInformation } from "supertokens-node/recipe/session";
import type { JSONObject, UserContext } from "supertokens-node/types";
import { logRefreshKeptRoles } from "../observability/log-lines.ts";
import { type RoleSource, type RoleState, rolesFromCore } from "./from-core.ts";
import { ROLE_KEY } from "./in-token.ts";
import { pickRole } from "./precedence.ts";
import {
  COMPACTED_KEY,
  compactedClaims,
  fitPayload,
  OMISSIBLE_KEYS,
  signedSizes,
  type TokenOwner,
  unverifiedClaims,
  warnCompacted,
  withinBudget,
} from "./token-budget.ts";
import { payloadIsCurrent, rolePayload, SCOPE_KEY, scopeOf } from "./token-write.ts";

/**
 * supertokens-node's merge of an update into a stored payload: `null` deletes a claim. (The stored
 * payload never holds the core's own claims: the core refuses them.)
 */
function merged(stored: JSONObject, update: JSONObject): JSONObject {
  const out: JSONObject = { ...stored, ...update };
  for (const [key, value] of Object.entries(update)) if (value === null) delete out[key];
  return out;
}

/** userContext key under which a caller hands the merge the session it just read. */
const SESSION_READ = "sessionRolesSessionRead";

/** A userContext telling the merge by handle that `info` is the session as just read. */
export const withSessionRead = (info: SessionInformation): Record<string, unknown> => ({
  [SESSION_READ]: info,
});

function knownSessionInformation(userContext: UserContext, handle: string): SessionInformation | undefined {
  const info = (userContext as Record<string, unknown>)[SESSION_READ] as SessionInformation | undefined;
  return info?.sessionHandle === handle ? info : undefined;
}

const ownerOf = (info: SessionInformation): TokenOwner => ({
  userId: info.userId,
  recipeUserId: info.recipeUserId.getAsString(),
  tenantId: info.tenantId,
});

/**
 * The user's roles for a refresh, or undefined when the core could not say: the refresh itself has
 * already rotated the tokens in the core, so failing it now would lose them. The token then keeps the
 * roles it had (guards and the authorizer read the core themselves) until the next refresh.
 */
async function currentRoles(source: RoleSource, session: SessionContainer): Promise<RoleState | undefined> {
  try {
    return await rolesFromCore(source, session.getTenantId(), session.getUserId());
  } catch (error) {
    logRefreshKeptRoles(session.getUserId(), error);
    return undefined;
  }
}

/**
 * The Session recipe's functions with the token budget applied: every way a payload reaches the core
 * goes through here — session creation (UserRoles' st-role/st-perm, plus `role`), a session's own
 * merge (update-role, the guards' write on change: regenerateAccessToken), the merge by session handle
 * (the admin API's fan-out), and a refresh, which recomputes the roles from the core.
 */
export function budgetedSession(
  original: RecipeInterface,
  source: RoleSource,
  audience?: string,
): RecipeInterface {
  const precedence = source.rolePrecedence;
  return {
    ...original,

    createNewSession: async (input) => {
      const payload: JSONObject = { ...input.accessTokenPayload };
      // `role` beside the st-role claim UserRoles just added, picked before anything is left out.
      const roles = (payload["st-role"] as { v?: unknown } | undefined)?.v;
      payload[ROLE_KEY] = Array.isArray(roles) ? pickRole(roles, precedence) : null;
      // `scope` beside st-perm, as API Gateway's JWT authorizer reads permissions (RFC 9068).
      const permissions = (payload["st-perm"] as { v?: unknown } | undefined)?.v;
      if (Array.isArray(permissions)) payload[SCOPE_KEY] = scopeOf(permissions as string[]);
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
      // The fit needs the whole payload: the session as the caller just read it (the fan-out), or one
      // more read than supertokens-node does.
      const info =
        knownSessionInformation(input.userContext, input.sessionHandle) ??
        (await original.getSessionInformation({
          sessionHandle: input.sessionHandle,
          userContext: input.userContext,
        }));
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
      for (const key of [...OMISSIBLE_KEYS, COMPACTED_KEY]) update[key] = fit.payload[key] ?? null;
      return original.mergeIntoAccessTokenPayload({ ...input, accessTokenPayloadUpdate: update });
    },

    refreshSession: async (input) => {
      const session = await original.refreshSession(input);
      // The new token says what the core holds now: a role granted or revoked anywhere (admin API,
      // roles CLI, dashboard, a direct core call) reaches every session at its next refresh. One
      // roles read; one regenerate only when the roles changed, or when the token (stored before the
      // budget, or by code that bypassed it) is over budget.
      const state = await currentRoles(source, session);
      const stale = state !== undefined && !payloadIsCurrent(session.getAccessTokenPayload(), state);
      const oversized = !withinBudget(signedSizes(session.getAllSessionTokensDangerously()));
      if (stale || oversized)
        await session.mergeIntoAccessTokenPayload(stale ? rolePayload(state) : {}, input.userContext);
      return session;
    },
  };
}
