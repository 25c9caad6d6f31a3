/** base64url without Node's Buffer (the edge runtimes have atob, TextDecoder). */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes of a base64url string; undefined when it is not one. */
export function base64urlBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A JSON object encoded in base64url (a JWT's header or payload); undefined for anything else. */
export function base64urlObject(text: string): Record<string, unknown> | undefined {
  const bytes = base64urlBytes(text);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The token of an `Authorization` header, matched as supertokens-node's getSession matches it: the
 * exact prefix `Bearer `, the rest trimmed. Undefined for anything else.
 */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  return authorization?.startsWith("Bearer ") ? authorization.replace(/^Bearer /, "").trim() : undefined;
}

/** A JWT's payload, unverified; undefined when the token has no JSON object there. */
export const unverifiedPayload = (token: string): Record<string, unknown> | undefined =>
  base64urlObject(token.split(".")[1] ?? "");
