// Compact RS256 JWS signing and verification on node:crypto.
import { createSign, createVerify } from "node:crypto";
import { keyPair } from "./keys.ts";
import type { SigningKey } from "./state.ts";

const b64url = (value: string | Buffer): string => Buffer.from(value).toString("base64url");

export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: SigningKey,
): string {
  const head = b64url(JSON.stringify({ ...header, alg: "RS256", typ: "JWT", kid: key.kid }));
  const body = b64url(JSON.stringify(payload));
  const signature = createSign("RSA-SHA256").update(`${head}.${body}`).sign(keyPair(key).privateKey);
  return `${head}.${body}.${b64url(signature)}`;
}

export interface ParsedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signedPart: string;
  signature: Buffer;
}

const decodeJson = (part: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
  return value as Record<string, unknown>;
};

/** Parses without checking the signature; undefined when it is not a JWT. */
export function parseJwt(token: string): ParsedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [head = "", body = "", sig = ""] = parts;
  try {
    return {
      header: decodeJson(head),
      payload: decodeJson(body),
      signedPart: `${head}.${body}`,
      signature: Buffer.from(sig, "base64url"),
    };
  } catch {
    return undefined;
  }
}

export function signatureValid(jwt: ParsedJwt, key: SigningKey): boolean {
  try {
    return createVerify("RSA-SHA256").update(jwt.signedPart).verify(keyPair(key).publicKey, jwt.signature);
  } catch {
    return false;
  }
}
