/**
 * The core's public signing keys, for the quick verify path (src/session/quick-verify.ts): fetched
 * from `/.well-known/jwks.json` with node:http on the first request and kept as long as supertokens-node
 * keeps its own copy (4 h, its `jwksRefreshIntervalSec` default). A key not in the copy is not
 * fetched again here: the caller then hands the token to supertokens-node, which refetches with its
 * own cooldown, so a forged kid costs the core nothing extra.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { coreDeadlineMs, withDeadline } from "./deadline.ts";
import { CoreUnavailableError, reasonOf } from "./outage.ts";
import { coreRequest } from "./transport.ts";

const KEYS_PATH = "/.well-known/jwks.json";
/** supertokens-node's default `jwksRefreshIntervalSec` (4 h). */
export const KEY_SET_MAX_AGE_MS = 4 * 3600 * 1000;

interface KeySet {
  connectionUri: string;
  fetchedAt: number;
  keys: ReadonlyMap<string, KeyObject>;
}

let current: KeySet | undefined;
let inFlight: Promise<KeySet | undefined> | undefined;

/**
 * A key jose would pick for an RS256 token with this kid: RSA, 2,048 bits or more, meant for
 * signatures (or not saying). A kid that names two keys is left out: jose refuses such a set.
 */
function usableKeys(jwks: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const seen = new Set<string>();
  const list = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) return keys;
  for (const jwk of list as Array<Record<string, unknown>>) {
    const kid = jwk?.kid;
    if (typeof kid !== "string") continue;
    if (seen.has(kid)) {
      keys.delete(kid);
      continue;
    }
    seen.add(kid);
    if (jwk.kty !== "RSA" || (jwk.alg !== undefined && jwk.alg !== "RS256")) continue;
    if (jwk.use !== undefined && jwk.use !== "sig") continue;
    if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify")))
      continue;
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) keys.set(kid, key);
    } catch {}
  }
  return keys;
}

/**
 * Fetches the key set. A core that does not answer in time is an outage (the caller's 503, and no
 * second wait in supertokens-node); any other failure leaves the set unknown (undefined), and
 * supertokens-node's own fetch decides the answer.
 */
async function fetchKeySet(connectionUri: string, timeoutMs: number): Promise<KeySet | undefined> {
  const url = `${connectionUri.replace(/\/+$/, "")}${KEYS_PATH}`;
  const deadlineMs = coreDeadlineMs(timeoutMs);
  const send = coreRequest(url, undefined, AbortSignal.timeout(Math.max(1, deadlineMs)));
  if (!send) return undefined;
  try {
    const response = await send();
    if (response.status !== 200) return undefined;
    return { connectionUri, fetchedAt: Date.now(), keys: usableKeys(await response.json()) };
  } catch (error) {
    if (reasonOf(error) !== "timeout") return undefined;
    throw new CoreUnavailableError(error, {
      reason: "timeout",
      coreUrl: connectionUri,
      corePath: KEYS_PATH,
      detail: `no signing keys within ${deadlineMs} ms`,
    });
  }
}

function startFetch(connectionUri: string, timeoutMs: number): Promise<KeySet | undefined> {
  inFlight ??= fetchKeySet(connectionUri, timeoutMs)
    .then((fetched) => {
      if (fetched) current = fetched;
      return fetched;
    })
    .finally(() => {
      inFlight = undefined;
    });
  return inFlight;
}

/**
 * Starts fetching the keys without waiting (the Lambda init phase: the request is out while the
 * runtime fetches the first event). A failure here is the first request's to see, or not: it fetches
 * again if nothing came.
 */
export function prefetchSigningKeys(connectionUri: string, timeoutMs: number): void {
  startFetch(connectionUri, timeoutMs).catch(() => {});
}

/** The key for `kid`: from the copy while it is fresh, else from a new fetch; undefined if unknown. */
export async function signingKey(
  connectionUri: string,
  kid: string,
  timeoutMs: number,
): Promise<KeyObject | undefined> {
  const fresh =
    current?.connectionUri === connectionUri && Date.now() - current.fetchedAt < KEY_SET_MAX_AGE_MS;
  if (!fresh) {
    // A fetch already out (the init phase's) is waited for within this request's deadline only.
    const deadlineMs = coreDeadlineMs(timeoutMs);
    const fetched = await withDeadline(
      startFetch(connectionUri, timeoutMs),
      deadlineMs,
      () =>
        new CoreUnavailableError(new Error("signing keys timed out"), {
          reason: "timeout",
          coreUrl: connectionUri,
          corePath: KEYS_PATH,
          detail: `no signing keys within ${deadlineMs} ms`,
        }),
    );
    if (!fetched || current?.connectionUri !== connectionUri) return undefined;
  }
  return current?.keys.get(kid);
}

/** Forgets the copy (tests that rotate or remove keys in the core). */
export function forgetSigningKeys(): void {
  current = undefined;
}
