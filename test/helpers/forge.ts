// Token forging for the security tests: every way an attacker could try to get a token accepted
// without the core's private key. Built on `jose` (and node:crypto for the raw HMAC/none cases).
import { createHmac, createPublicKey } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export interface JwtParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: string;
}

const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export function splitJwt(token: string): JwtParts {
  const [head, body, signature] = token.split(".");
  if (head === undefined || body === undefined || signature === undefined) throw new Error("not a JWT");
  return {
    header: JSON.parse(Buffer.from(head, "base64url").toString("utf8")),
    payload: JSON.parse(Buffer.from(body, "base64url").toString("utf8")),
    signature,
  };
}

/** The kid a token names. */
export const kidOf = (token: string): string => String(splitJwt(token).header.kid);

/** The core's published verification keys (no API key needed, like the real core). */
export async function fetchJwks(coreUrl: string): Promise<JWK[]> {
  const response = await fetch(`${coreUrl}/.well-known/jwks.json`);
  if (!response.ok) throw new Error(`JWKS: ${response.status}`);
  return ((await response.json()) as { keys: JWK[] }).keys;
}

/** The JWKS key that verifies `token` (same kid). */
export function keyOf(token: string, jwks: JWK[]): JWK {
  const kid = splitJwt(token).header.kid;
  const key = jwks.find((candidate) => candidate.kid === kid);
  if (!key) throw new Error(`no JWKS key with kid ${String(kid)}`);
  return key;
}

/** `alg: none`, payload unchanged, empty signature (and a variant that keeps the original one). */
export function algNone(token: string, keepSignature = false): string {
  const { header, payload, signature } = splitJwt(token);
  return `${b64json({ ...header, alg: "none" })}.${b64json(payload)}.${keepSignature ? signature : ""}`;
}

/**
 * Key confusion: HS256 with the server's public key as the HMAC secret. Variants use the key as
 * SPKI PEM (the classic attack), as its JWK JSON and as the raw modulus.
 */
export function hs256WithPublicKey(token: string, jwk: JWK, secretForm: "pem" | "jwk" | "n" = "pem"): string {
  const { header, payload } = splitJwt(token);
  const secret =
    secretForm === "pem"
      ? (createPublicKey({ key: jwk as import("node:crypto").JsonWebKey, format: "jwk" })
          .export({ type: "spki", format: "pem" })
          .toString() as string)
      : secretForm === "jwk"
        ? JSON.stringify(jwk)
        : String(jwk.n);
  const signed = `${b64json({ ...header, alg: "HS256" })}.${b64json(payload)}`;
  return `${signed}.${createHmac("sha256", secret).update(signed).digest("base64url")}`;
}

/** A real RS256 signature by a key the core never published, under `kid` (a real one or not). */
export async function foreignRs256(token: string, kid: string): Promise<string> {
  const { header, payload } = splitJwt(token);
  const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  return new SignJWT(payload).setProtectedHeader({ ...header, alg: "RS256", kid }).sign(privateKey);
}

/** The foreign key's public JWK, for tests that want to show it is absent from the JWKS. */
export async function foreignJwk(): Promise<JWK> {
  const { publicKey } = await generateKeyPair("RS256");
  return exportJWK(publicKey);
}

/** Payload changed, header and signature kept: the signature no longer matches. */
export function tamperPayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [head, , signature] = token.split(".");
  const { payload } = splitJwt(token);
  change(payload);
  return `${head}.${b64json(payload)}.${signature}`;
}

/** What a forgery tries: each kind is a test of the security suite. */
export const FORGERY_KINDS = [
  "alg none",
  "HS256 with the public key",
  "foreign RS256 key",
  "tampered payload",
] as const;

export interface Forgery {
  kind: (typeof FORGERY_KINDS)[number];
  what: string;
  token: string;
}

/**
 * Every forgery of `genuine` the security suite tries, in one list so that every suite that must
 * refuse forged tokens (test/integration/security/forged-tokens.test.ts, the quick verify path's
 * comparison with getSession) sends all of them.
 */
export async function forgeries(genuine: string, coreUrl: string): Promise<Forgery[]> {
  const jwk = keyOf(genuine, await fetchJwks(coreUrl));
  const realKid = String(splitJwt(genuine).header.kid);
  const changes: Array<[string, (p: Record<string, unknown>) => void]> = [
    ["sub", (p) => Object.assign(p, { sub: "admin-user", rsub: "admin-user" })],
    ["role", (p) => Object.assign(p, { role: "admin" })],
    [
      "role and st-role",
      (p) => Object.assign(p, { role: "admin", "st-role": { v: ["admin"], t: Date.now() } }),
    ],
    ["exp", (p) => Object.assign(p, { exp: Number(p.exp) + 86_400 })],
    ["sessionHandle", (p) => Object.assign(p, { sessionHandle: "00000000-0000-0000-0000-000000000000" })],
    ["parent hash removed", (p) => Object.assign(p, { parentRefreshTokenHash1: undefined })],
  ];
  return [
    { kind: "alg none", what: "alg none", token: algNone(genuine) },
    { kind: "alg none", what: "alg none + signature", token: algNone(genuine, true) },
    ...(["pem", "jwk", "n"] as const).map((form) => ({
      kind: "HS256 with the public key" as const,
      what: `HS256 ${form}`,
      token: hs256WithPublicKey(genuine, jwk, form),
    })),
    { kind: "foreign RS256 key", what: "foreign key, real kid", token: await foreignRs256(genuine, realKid) },
    {
      kind: "foreign RS256 key",
      what: "foreign key, unknown kid",
      token: await foreignRs256(genuine, "d-0000000000000"),
    },
    ...changes.map(([what, change]) => ({
      kind: "tampered payload" as const,
      what: `tampered ${what}`,
      token: tamperPayload(genuine, change),
    })),
  ];
}

/** An access token for `userId` that the same core signed for another app (`appUrl`), with that app's keys. */
export async function otherAppToken(appUrl: string, userId: string): Promise<string> {
  const response = await fetch(`${appUrl}/public/recipe/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "cdi-version": "5.4" },
    body: JSON.stringify({ userId, userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: false }),
  });
  if (!response.ok) throw new Error(`other app's session: ${response.status}`);
  const token = ((await response.json()) as { accessToken: { token: string } }).accessToken.token;
  if (splitJwt(token).payload.sub !== userId) throw new Error(`other app's token is not ${userId}'s`);
  return token;
}
