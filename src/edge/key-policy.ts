/**
 * When a verifier fetches the core's public keys again: the one policy of the edge gate (./key-set.ts)
 * and the functions' quick path (src/core-client/signing-keys.ts), modelled on what supertokens-node's
 * getSession does through jose's remote key set, so the three refuse the same tokens:
 * - a copy is kept for 4 h (supertokens-node's `jwksRefreshIntervalSec` default), then fetched again;
 * - a kid the copy does not hold is fetched again once, unless the last fetch is younger than the
 *   cooldown (supertokens-node's `JWKCacheCooldownInMs`): a flood of forged kids costs the key source
 *   at most one request per cooldown, and a key the core removed leaves the copy at that fetch;
 * - after that fetch, a kid still missing is refused.
 */
const KEY_SET_MAX_AGE_MS = 4 * 3600 * 1000;
export const UNKNOWN_KID_COOLDOWN_MS = 500;

/**
 * Whether the key set must be fetched (again) before a kid can be looked up: `fetchedAt` is when the copy
 * was fetched (undefined: no copy), `holdsKid` whether the copy has the kid.
 */
export function mustFetch(fetchedAt: number | undefined, holdsKid: boolean, now = Date.now()): boolean {
  if (fetchedAt === undefined || now - fetchedAt >= KEY_SET_MAX_AGE_MS) return true;
  return !holdsKid && now - fetchedAt >= UNKNOWN_KID_COOLDOWN_MS;
}
