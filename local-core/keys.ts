// RS256 signing keys per app: one static key and a rotating list of dynamic keys ("d-"/"s-" kids like the real core).
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, randomUUID } from "node:crypto";
import { promisify } from "node:util";
import type { CdiJwk } from "./cdi.ts";
import type { CoreConfig } from "./config.ts";
import type { AppState, SigningKey } from "./state.ts";

const generateRsa = promisify(generateKeyPair);

const keyObjects = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();

export async function newSigningKey(
  kind: "d" | "s",
  now: number,
  expiresAt: number | null,
): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsa("rsa", { modulusLength: 2048 });
  const kid = `${kind}-${randomUUID()}`;
  keyObjects.set(kid, { privateKey, publicKey });
  return {
    kid,
    privateJwk: privateKey.export({ format: "jwk" }) as Record<string, string>,
    createdAt: now,
    expiresAt,
  };
}

export function keyPair(key: SigningKey): { privateKey: KeyObject; publicKey: KeyObject } {
  let pair = keyObjects.get(key.kid);
  if (pair === undefined) {
    const privateKey = createPrivateKey({ key: key.privateJwk, format: "jwk" });
    pair = { privateKey, publicKey: createPublicKey(privateKey) };
    keyObjects.set(key.kid, pair);
  }
  return pair;
}

const dynamicKeyExpiry = (createdAt: number, config: CoreConfig): number =>
  createdAt + config.keyUpdateIntervalMs + config.accessTokenValidityMs;

/** Keys that may still have live tokens, newest first. */
export function liveDynamicKeys(app: AppState, now = Date.now()): SigningKey[] {
  return app.dynamicKeys.filter((k) => k.expiresAt === null || k.expiresAt >= now);
}

const rotations = new Map<AppState, Promise<SigningKey>>();

/** Adds a new dynamic key in front; older keys stay published until they expire. */
export function rotateDynamicKey(app: AppState, config: CoreConfig): Promise<SigningKey> {
  const running = rotations.get(app);
  if (running !== undefined) return running;
  const now = Date.now();
  const promise = newSigningKey("d", now, dynamicKeyExpiry(now, config))
    .then((key) => {
      app.dynamicKeys = [key, ...liveDynamicKeys(app, now)];
      return key;
    })
    .finally(() => rotations.delete(app));
  rotations.set(app, promise);
  return promise;
}

/** The key new tokens are signed with; rotates when the update interval has passed. */
export async function signingKeyFor(
  app: AppState,
  config: CoreConfig,
  useStaticKey: boolean,
): Promise<SigningKey> {
  if (useStaticKey) return app.staticKey;
  const latest = app.dynamicKeys[0];
  if (latest !== undefined && latest.createdAt + config.keyUpdateIntervalMs > Date.now()) return latest;
  return rotateDynamicKey(app, config);
}

export function findKey(app: AppState, kid: string): SigningKey | undefined {
  if (app.staticKey.kid === kid) return app.staticKey;
  return liveDynamicKeys(app).find((k) => k.kid === kid);
}

/** Every key a verifier may need: live dynamic keys (newest first), then the static key. */
export function verificationKeys(app: AppState): SigningKey[] {
  return [...liveDynamicKeys(app), app.staticKey];
}

export function publicJwk(key: SigningKey): CdiJwk {
  const { n, e } = key.privateJwk;
  return { kty: "RSA", kid: key.kid, n: n ?? "", e: e ?? "", alg: "RS256", use: "sig" };
}
