import { appendList } from "./headers.ts";
import { LightHeaders } from "./light-headers.ts";
import { ALLOWED_METHODS } from "./limits.ts";
import type { HttpRequest, HttpResponse } from "./model.ts";

/** Headers the browser may read: the SuperTokens frontend SDK needs every one of them. */
export const EXPOSED_HEADERS = ["front-token", "st-access-token", "st-refresh-token", "anti-csrf"];

export interface CorsPolicy {
  origin: string;
  /** Request headers the browser may send; SuperTokens' own come from getAllCORSHeaders(). */
  allowedHeaders: () => string[];
}

export function isPreflight(request: HttpRequest): boolean {
  return request.method === "OPTIONS" && request.headers.has("access-control-request-method");
}

/** Answers a preflight: 204, with CORS headers only for the configured origin. */
export function preflightResponse(request: HttpRequest, policy: CorsPolicy): HttpResponse {
  const headers = new LightHeaders({ vary: "Origin" });
  if (request.headers.get("origin") === policy.origin) {
    headers.set("access-control-allow-origin", policy.origin);
    headers.set("access-control-allow-credentials", "true");
    headers.set("access-control-allow-methods", ALLOWED_METHODS.join(", "));
    headers.set("access-control-allow-headers", ["content-type", ...policy.allowedHeaders()].join(", "));
    headers.set("access-control-max-age", "600");
  }
  return { status: 204, headers, cookies: [], body: "" };
}

/**
 * Adds CORS headers to an actual response when, and only when, the origin is the configured one.
 * It changes `response` in place: every caller passes one it built for this request.
 */
export function withCors(request: HttpRequest, response: HttpResponse, policy: CorsPolicy): HttpResponse {
  const headers = response.headers;
  appendList(headers, "vary", "Origin");
  if (request.headers.get("origin") === policy.origin) {
    headers.set("access-control-allow-origin", policy.origin);
    headers.set("access-control-allow-credentials", "true");
    appendList(headers, "access-control-expose-headers", EXPOSED_HEADERS.join(", "));
  } else {
    headers.delete("access-control-expose-headers");
  }
  return response;
}
