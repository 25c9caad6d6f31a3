/** base64url without Node's Buffer (the edge runtimes have atob, TextDecoder). */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** atob answers one character a byte: one past 0x7f means the bytes are not ASCII. */
const NON_ASCII = /[\u0080-\u00ff]/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

type FromBase64 = (text: string, options: { alphabet: "base64url" }) => Uint8Array<ArrayBuffer>;
/** Uint8Array with the runtime's own decoder where it has one (Deno; not Node 20): as atob on checked text. */
const Bytes = Uint8Array as unknown as { fromBase64?: FromBase64 };

/** Whether `text` is base64url: its alphabet, no padding, no lone last character (it holds no byte). */
const isBase64url = (text: string) => BASE64URL.test(text) && text.length % 4 !== 1;

/** atob's answer on base64url text: one character a byte. */
const binaryOf = (text: string) => atob(text.replace(/-/g, "+").replace(/_/g, "/"));

/** atob's answer as bytes (its characters are all below 256). */
function bytesOf(binary: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The bytes of a base64url string; undefined when it is not one. */
export function base64urlBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!isBase64url(text)) return undefined;
  return Bytes.fromBase64 ? Bytes.fromBase64(text, { alphabet: "base64url" }) : bytesOf(binaryOf(text));
}

/** The JSON object `text` holds; undefined for other JSON or for text that is not JSON. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON object encoded in base64url (a JWT's header or payload); undefined for anything else. */
export function base64urlObject(text: string): Record<string, unknown> | undefined {
  if (!isBase64url(text)) return undefined;
  const binary = binaryOf(text);
  // ASCII bytes read as UTF-8 are themselves: the decoder is needed only past ASCII (and refuses bad UTF-8).
  if (!NON_ASCII.test(binary)) return jsonObject(binary);
  try {
    return jsonObject(utf8.decode(bytesOf(binary)));
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
