// Legacy v2 access tokens, still issued for CDI < 2.21 and accepted afterwards so that old
// sessions survive an upgrade: a fixed kid-less header and the user's claims nested under
// `userData` (so no claim name is protected), times in milliseconds.
import { createSign } from "node:crypto";
import { keyPair } from "../keys.ts";
import type { JsonObject, SigningKey } from "../state.ts";

/** Plain base64 with padding, byte for byte what supertokens-node recognises as a v2 header. */
export const V2_HEADER = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", version: "2" })).toString(
  "base64",
);

export interface V2Claims {
  sessionHandle: string;
  userId: string;
  refreshTokenHash1: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
  userData: JsonObject;
  expiryTime: number;
  timeCreated: number;
}

export function signV2(claims: V2Claims, key: SigningKey): string {
  const { parentRefreshTokenHash1, antiCsrfToken, ...rest } = claims;
  // The core leaves the nullable claims out rather than sending null.
  const payload = {
    ...rest,
    ...(parentRefreshTokenHash1 === null ? {} : { parentRefreshTokenHash1 }),
    ...(antiCsrfToken === null ? {} : { antiCsrfToken }),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const signature = createSign("RSA-SHA256").update(`${V2_HEADER}.${body}`).sign(keyPair(key).privateKey);
  return `${V2_HEADER}.${body}.${signature.toString("base64url")}`;
}

/** The v2 payload's fields, or the name of the first one missing. */
export function readV2Claims(payload: Record<string, unknown>): V2Claims | string {
  const str = (k: string): string | null => (typeof payload[k] === "string" ? (payload[k] as string) : null);
  for (const k of ["sessionHandle", "userId", "refreshTokenHash1"]) if (str(k) === null) return k;
  for (const k of ["expiryTime", "timeCreated"]) if (typeof payload[k] !== "number") return k;
  const userData = payload["userData"];
  if (typeof userData !== "object" || userData === null || Array.isArray(userData)) return "userData";
  return {
    sessionHandle: str("sessionHandle") ?? "",
    userId: str("userId") ?? "",
    refreshTokenHash1: str("refreshTokenHash1") ?? "",
    parentRefreshTokenHash1: str("parentRefreshTokenHash1"),
    antiCsrfToken: str("antiCsrfToken"),
    userData: userData as JsonObject,
    expiryTime: payload["expiryTime"] as number,
    timeCreated: payload["timeCreated"] as number,
  };
}
