// Browsers mark cross-site requests with `Origin`; the core answers no browser unless told to.
import type { ServerResponse } from "node:http";

/** Normalises `allowOrigins` entries: `*` allows any origin, others are compared as origins. */
export function originList(allowOrigins: readonly string[] | undefined): string[] {
  return (allowOrigins ?? []).map((o) => o.trim().replace(/\/$/, "")).filter((o) => o !== "");
}

export const originAllowed = (allowed: readonly string[], origin: string): boolean =>
  allowed.includes("*") || allowed.includes(origin);

/** Lets an allowed page read the answer and send the headers supertokens-node sends. */
export function allowCors(res: ServerResponse, origin: string): void {
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("access-control-allow-methods", "GET, POST, PUT, DELETE");
  res.setHeader("access-control-allow-headers", "content-type, api-key, authorization, cdi-version, rid");
  res.setHeader("access-control-max-age", "600");
  res.setHeader("vary", "Origin");
}
