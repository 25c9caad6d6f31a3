import type { ALBEvent, ALBResult } from "aws-lambda";
import { isRecord } from "../decode.ts";
import { type PlatformAdapter, plainHeaders, resultBase } from "./adapter.ts";
import { decodeAlbEvent, isAlbEvent, statusDescription } from "./alb.ts";

/**
 * ALB in single-value mode keeps one value per header name, but header names are case-insensitive
 * for browsers and ALB passes each spelling through: `set-cookie`, `Set-cookie`, `sEt-cookie`, …
 * carry one whole cookie each, so no cookie is joined with another (their Expires dates have commas).
 */
export function setCookieSpellings(count: number): string[] {
  const base = "set-cookie";
  const letters = [...base]
    .map((char, index) => (/[a-z]/.test(char) ? index : -1))
    .filter((index) => index >= 0);
  if (count > 2 ** letters.length) throw new Error("too many cookies for single-value headers");
  return Array.from({ length: count }, (_, n) => {
    const chars = [...base];
    letters.forEach((position, bit) => {
      if (n & (1 << bit)) chars[position] = chars[position]!.toUpperCase();
    });
    return chars.join("");
  });
}

export const albSingle: PlatformAdapter<ALBEvent, ALBResult> = {
  name: "alb-single",
  detect: (event) => isAlbEvent(event) && !isRecord(event.multiValueHeaders),
  decode: decodeAlbEvent,
  encode(response) {
    const headers = plainHeaders(response.headers);
    const spellings = setCookieSpellings(response.cookies.length);
    response.cookies.forEach((cookie, index) => {
      headers[spellings[index]!] = cookie;
    });
    return {
      ...resultBase(response),
      statusDescription: statusDescription(response.status),
      headers,
    };
  },
};
