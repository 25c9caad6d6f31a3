/**
 * The core's public signing keys, for the quick verify path (src/session/quick-verify.ts): fetched
 * from `/.well-known/jwks.json` with node:http on the first request, then kept and fetched again as
 * src/edge/key-policy.ts says (the edge gate's policy, and supertokens-node's): after 4 h, or for a kid
 * the copy lacks once the last fetch is older than the cooldown. So a key the core removed leaves the
 * copy as soon as a new kid is seen, as it leaves getSession's, and forged kids cost the core at most
 * one request per cooldown. The same fetch is the reachability probe (./probe.ts): one place says why
 * the core could not give its keys.
 */
import type { JsonWebKey, KeyObject } from "node:crypto";
import { mustFetch } from "../edge/key-policy.ts";
import { recordCoreCall } from "../observability/metrics.ts";
import { coreDeadlineMs, withDeadline } from "./deadline.ts";
import { CoreUnavailableError } from "./outage.ts";
import { coreRequest } from "./transport.ts";

const KEYS_PATH = "/.well-known/jwks.json";
/** Node's own module object, as quick-verify.ts takes it (COLD-START.md, cut 21). */
const crypto = process.getBuiltinModule("node:crypto");

interface KeySet {
  connectionUri: string;
  fetchedAt: number;
  keys: ReadonlyMap<string, KeyObject>;
}

/** How long a failed fetch is answered from memory. */
const FAILURE_TTL_MS = 1000;

let current: KeySet | undefined;
let inFlight: Promise<KeySet> | undefined;
let lastFailure: { connectionUri: string; at: number; error: CoreUnavailableError } | undefined;

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
      const key = crypto.createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) keys.set(kid, key);
    } catch {}
  }
  return keys;
}

/** Where a failed key fetch happened, for its outage line. */
const where = (connectionUri: string) => ({ coreUrl: connectionUri, corePath: KEYS_PATH });

/** What a non-200 answer to the key request says about the core. */
function refusal(status: number, connectionUri: string): CoreUnavailableError {
  const detail = `core answered ${status} to the JWKS request`;
  const reason = status === 401 ? "invalid-api-key" : status >= 500 ? "core-5xx" : "malformed-answer";
  return new CoreUnavailableError(new Error(detail), { reason, detail, ...where(connectionUri) });
}

/** Fetches the key set; any failure is a CoreUnavailableError saying why (status, timeout, no connection). */
async function fetchKeySet(connectionUri: string, timeoutMs: number): Promise<KeySet> {
  const url = `${connectionUri.replace(/\/+$/, "")}${KEYS_PATH}`;
  const started = performance.now();
  try {
    const send = coreRequest(url, undefined);
    if (!send) throw new Error("the connection URI is not an http(s) URL");
    const response = await send(Math.max(1, coreDeadlineMs(timeoutMs)));
    if (response.status !== 200) throw refusal(response.status, connectionUri);
    return { connectionUri, fetchedAt: Date.now(), keys: usableKeys(await response.json()) };
  } catch (error) {
    throw error instanceof CoreUnavailableError
      ? error
      : new CoreUnavailableError(error, where(connectionUri));
  } finally {
    recordCoreCall(performance.now() - started);
  }
}

/**
 * One fetch at a time; a failure answers for itself for a second, so tokens with a future `exp` (free
 * to forge) cost a core that is down one request a second, not one each.
 */
function startFetch(connectionUri: string, timeoutMs: number): Promise<KeySet> {
  if (lastFailure?.connectionUri === connectionUri && Date.now() - lastFailure.at < FAILURE_TTL_MS)
    return Promise.reject(lastFailure.error);
  inFlight ??= fetchKeySet(connectionUri, timeoutMs)
    .then(
      (fetched) => {
        current = fetched;
        lastFailure = undefined;
        return fetched;
      },
      (error: CoreUnavailableError) => {
        lastFailure = { connectionUri, at: Date.now(), error };
        throw error;
      },
    )
    .finally(() => {
      inFlight = undefined;
    });
  return inFlight;
}

/**
 * Starts fetching the keys without waiting (the Lambda init phase: the request is out while the
 * runtime fetches the first event). A failure here is the first request's to see.
 */
export function prefetchSigningKeys(connectionUri: string, timeoutMs: number): void {
  startFetch(connectionUri, timeoutMs).catch(() => {});
}

/**
 * The key set fetched now, within this request's deadline (a fetch already out, the init phase's, is
 * waited for no longer than that): the quick path's cold fetch, and the reachability probe's.
 */
export function fetchSigningKeys(connectionUri: string, timeoutMs: number): Promise<KeySet> {
  const deadlineMs = coreDeadlineMs(timeoutMs);
  return withDeadline(
    startFetch(connectionUri, timeoutMs),
    deadlineMs,
    () =>
      new CoreUnavailableError(new Error("signing keys timed out"), {
        reason: "timeout",
        detail: `no signing keys within ${deadlineMs} ms`,
        ...where(connectionUri),
      }),
  );
}

/**
 * The key for `kid`: from the copy, or from a new fetch when the key policy says so; undefined for a key
 * the core does not list. Throws a CoreUnavailableError when the core cannot give its keys.
 */
export async function signingKey(
  connectionUri: string,
  kid: string,
  timeoutMs: number,
): Promise<KeyObject | undefined> {
  const copy = current?.connectionUri === connectionUri ? current : undefined;
  const keys =
    copy && !mustFetch(copy.fetchedAt, copy.keys.has(kid))
      ? copy.keys
      : (await fetchSigningKeys(connectionUri, timeoutMs)).keys;
  return keys.get(kid);
}

/** Whether keys of this core are in memory (a fetch has answered since the process started). */
export const signingKeysInHand = (connectionUri: string): boolean => current?.connectionUri === connectionUri;

/** Forgets the copy and any failure (tests that need a cold start in a warm process). */
export function forgetSigningKeys(): void {
  current = undefined;
  lastFailure = undefined;
}
