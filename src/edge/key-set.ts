/**
 * The public key set the edge verifies with: `API_DOMAIN + API_BASE_PATH + /jwt/jwks.json`, which the auth
 * function serves (supertokens-node's JWT recipe, started by the Session recipe, answers it from the
 * core's `/.well-known/jwks.json`), so the edge needs no API key and no route to the core. Fetched with
 * `fetch`, kept and refetched as ./key-policy.ts says, keys imported into WebCrypto on first use.
 */
import { base64urlBytes } from "./base64url.ts";
import { mustFetch } from "./key-policy.ts";

/** Why the edge could not get the keys: the gate answers 503, never lets the request through. */
export class KeySetUnavailableError extends Error {}

/** How long a failed fetch is answered from memory (a forged token must not cost one fetch each). */
const FAILURE_TTL_MS = 1000;
const FETCH_TIMEOUT_MS = 3000;
const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
const encoder = new TextEncoder();

interface Copy {
  fetchedAt: number;
  jwks: ReadonlyMap<string, JsonWebKey>;
  imported: Map<string, Promise<CryptoKey | undefined>>;
  /** Tokens whose signature a key of this copy verified: not verified again while this copy is kept. */
  verified: Set<string>;
  has(kid: string): boolean;
}

/** How many verified tokens a copy remembers (≈ 1.5 KB each); past it, it starts again from none. */
const VERIFIED_CAP = 500;

/**
 * The keys jose would pick for an RS256 token: RSA, meant for signatures (or not saying), verify among
 * its uses; a kid named twice is left out (jose refuses such a set). Size is checked at import.
 */
function usableJwks(body: unknown): Map<string, JsonWebKey> {
  const keys = new Map<string, JsonWebKey>();
  const seen = new Set<string>();
  const list = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) return keys;
  for (const jwk of list as Array<Record<string, unknown> | null>) {
    const kid = jwk?.kid;
    if (!jwk || typeof kid !== "string") continue;
    if (seen.has(kid)) {
      keys.delete(kid);
      continue;
    }
    seen.add(kid);
    if (jwk.kty !== "RSA" || typeof jwk.n !== "string" || typeof jwk.e !== "string") continue;
    if (jwk.alg !== undefined && jwk.alg !== "RS256") continue;
    if (jwk.use !== undefined && jwk.use !== "sig") continue;
    if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify")))
      continue;
    keys.set(kid, { kty: "RSA", n: jwk.n, e: jwk.e, alg: "RS256", ext: true });
  }
  return keys;
}

/** A WebCrypto key for the JWK, or undefined for a malformed one or one under 2,048 bits. */
async function importKey(jwk: JsonWebKey): Promise<CryptoKey | undefined> {
  try {
    const key = await crypto.subtle.importKey("jwk", jwk, RS256, false, ["verify"]);
    return (key.algorithm as RsaHashedKeyAlgorithm).modulusLength >= 2048 ? key : undefined;
  } catch {
    return undefined;
  }
}

/** One key set URL's copy, its fetch in flight and its last failure. */
export class KeySet {
  private copy: Copy | undefined;
  private inFlight: Promise<Copy> | undefined;
  private failure: { at: number; error: KeySetUnavailableError } | undefined;

  constructor(
    readonly url: string,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /**
   * Whether the key `kid` signed `signed` (a JWT's `header.payload`) with `signature` (RS256); undefined when
   * the key set (fetched again if the policy says so) lacks the kid. A token this copy verified before is
   * not verified again: the same bytes, the same keys, the same answer. A new copy starts with none, so a
   * removed key's tokens are refused as soon as the copy without it arrives.
   */
  async verifies(kid: string, signed: string, signature: string): Promise<boolean | undefined> {
    let copy = this.copy;
    if (mustFetch(copy?.fetchedAt, copy?.has(kid) ?? false)) copy = await this.fetchCopy();
    if (!copy?.has(kid)) return undefined;
    const token = `${signed}.${signature}`;
    if (copy.verified.has(token)) return true;
    let imported = copy.imported.get(kid);
    if (!imported) {
      imported = importKey(copy.jwks.get(kid)!);
      copy.imported.set(kid, imported);
    }
    const key = await imported;
    const bytes = base64urlBytes(signature);
    if (!key || !bytes || bytes.length === 0) return false;
    if (!(await crypto.subtle.verify(RS256, key, bytes, encoder.encode(signed)))) return false;
    if (copy.verified.size >= VERIFIED_CAP) copy.verified.clear();
    copy.verified.add(token);
    return true;
  }

  private fetchCopy(): Promise<Copy> {
    if (this.failure && Date.now() - this.failure.at < FAILURE_TTL_MS)
      return Promise.reject(this.failure.error);
    this.inFlight ??= this.load()
      .then(
        (copy) => {
          this.copy = copy;
          this.failure = undefined;
          return copy;
        },
        (error: unknown) => {
          const unavailable =
            error instanceof KeySetUnavailableError
              ? error
              : new KeySetUnavailableError(`key set ${this.url}: ${(error as Error)?.message ?? error}`);
          this.failure = { at: Date.now(), error: unavailable };
          throw unavailable;
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async load(): Promise<Copy> {
    const response = await this.fetcher(this.url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new KeySetUnavailableError(`key set ${this.url} answered ${response.status}`);
    }
    const jwks = usableJwks(await response.json());
    return {
      fetchedAt: Date.now(),
      jwks,
      imported: new Map(),
      verified: new Set(),
      has: (kid) => jwks.has(kid),
    };
  }
}
