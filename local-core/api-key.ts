// API key check in constant time: both sides are hashed to equal length and every key is compared.
import { timingSafeEqual } from "node:crypto";
import { sha256 } from "./hash.ts";

const digest = (value: string): Buffer => Buffer.from(sha256(value), "hex");

/** True when no key is configured, or when the header (trimmed, as the real core does) is one of them. */
export function apiKeyMatches(keys: readonly string[], header: string | string[] | undefined): boolean {
  if (keys.length === 0) return true;
  if (typeof header !== "string") return false;
  const given = digest(header.trim());
  let match = false;
  for (const key of keys) match = timingSafeEqual(given, digest(key)) || match;
  return match;
}
