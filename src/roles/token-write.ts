import type { SessionContainer } from "supertokens-node/recipe/session";
import type { JSONObject } from "supertokens-node/types";
import { PERMISSION_NAME } from "../config/core.ts";
import { type RoleSource, type RoleState, rolesFromCore } from "./from-core.ts";
import { ROLE_KEY, rolesInPayload } from "./in-token.ts";
import { compactedClaims } from "./token-budget.ts";

/**
 * A claim as supertokens-node's PrimitiveArrayClaim stores it: the value and when it was fetched
 * (its validators' maxAge reads `t`). Written here, not through the claim object, so the light
 * path writes no supertokens-node; test/integration/verify-session/role-claims.test.ts holds it to
 * UserRoles' own claims.
 */
const claim = (values: readonly string[], fetchedAt: number) => ({ v: [...values], t: fetchedAt });

/** The payload key of the permissions as one space-separated string (RFC 9068 `scope`). */
export const SCOPE_KEY = "scope";

/** Permissions as `scope`; a name with a space or comma (made outside roles.json's rule) is left out. */
export const scopeOf = (permissions: readonly string[]): string =>
  permissions.filter((permission) => PERMISSION_NAME.test(permission)).join(" ");

/**
 * The payload update carrying `role`, `st-role` and `st-perm` in SuperTokens' own claim format, and the
 * permissions again as `scope` for API Gateway's JWT authorizer.
 */
export function rolePayload(state: RoleState, fetchedAt = Date.now()): JSONObject {
  return {
    "st-role": claim(state.roles, fetchedAt),
    "st-perm": claim(state.permissions, fetchedAt),
    [SCOPE_KEY]: scopeOf(state.permissions),
    [ROLE_KEY]: state.role,
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((item) => set.has(item));
};

/** What a payload says about roles, read once per comparison. */
interface InToken {
  payload: Record<string, unknown>;
  compacted: readonly string[];
  roles: string[];
  permissions: string[];
}

const inToken = (payload: Record<string, unknown>): InToken => ({
  payload,
  compacted: compactedClaims(payload),
  ...rolesInPayload(payload),
});

/** Whether `key` (`st-role`, `st-perm`) is in the payload as a claim, or left out for size. */
function claimIsCurrent(token: InToken, key: "st-role" | "st-perm", core: readonly string[]): boolean {
  if (token.compacted.includes(key)) return true;
  const mine = key === "st-role" ? token.roles : token.permissions;
  return typeof (token.payload[key] as { v?: unknown } | undefined)?.v === "object" && sameSet(mine, core);
}

function rolesCurrentIn(token: InToken, roles: readonly string[], role: string | null): boolean {
  return (token.payload[ROLE_KEY] ?? null) === role && claimIsCurrent(token, "st-role", roles);
}

/**
 * Whether a token's payload already names the roles the core holds: `role` (the one `roles` shows by
 * precedence), and `st-role` unless the token budget left it out. Permissions are not compared.
 */
export function rolesAreCurrent(
  payload: Record<string, unknown>,
  roles: readonly string[],
  role: string | null,
): boolean {
  return rolesCurrentIn(inToken(payload), roles, role);
}

/**
 * Whether a token's payload already says what the core holds: `role`, and each of `st-role` and
 * `st-perm` unless the token budget left it out (`compacted`: readers then ask the core anyway).
 * A payload that says nothing about roles is not current.
 */
export function payloadIsCurrent(payload: Record<string, unknown>, state: RoleState): boolean {
  const token = inToken(payload);
  const scope = payload[SCOPE_KEY];
  return (
    rolesCurrentIn(token, state.roles, state.role) &&
    claimIsCurrent(token, "st-perm", state.permissions) &&
    (token.compacted.includes("st-perm") ||
      (typeof scope === "string" && sameSet(scope === "" ? [] : scope.split(" "), state.permissions)))
  );
}

/**
 * Writes the core's current roles into the session's access token with one regenerate. Past the
 * token's budget the Session override leaves st-perm (then st-role) out and marks it `compacted`.
 */
export async function refreshRolesInSession(
  session: SessionContainer,
  source: RoleSource,
): Promise<RoleState> {
  const state = await rolesFromCore(source, session.getTenantId(), session.getUserId());
  await session.mergeIntoAccessTokenPayload(rolePayload(state));
  return state;
}
