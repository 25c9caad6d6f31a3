import { isHeadersLike, LightHeaders } from "./light-headers.ts";

/** The one request model every platform event is decoded into. */
export interface HttpRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Route path as the function sees it: no API Gateway stage prefix, not URL-decoded. */
  path: string;
  /** The API Gateway stage the event came through, if any (`$default` is reported as undefined). */
  stage: string | undefined;
  /** Every query value, in order; `query` holds the last one of each, as API Gateway does. */
  multiQuery: Record<string, string[]>;
  query: Record<string, string>;
  /**
   * Path parameters of the function's route (`/items/:id` → `{ id }`, `/files/*` → `{ "*": "a/b" }`),
   * percent-decoded once; empty when the route has none (see route-params.ts).
   */
  params: Record<string, string>;
  headers: Headers;
  cookies: Record<string, string>;
  /** Body as text (base64 bodies already decoded); empty when there is none. */
  body: string;
}

/** The one response model every platform result is encoded from. */
export interface HttpResponse {
  status: number;
  /** Every header except Set-Cookie. */
  headers: Headers;
  /** Each entry is one complete Set-Cookie value: never joined, never split. */
  cookies: string[];
  body: string;
  /** The body is base64 (binary content a handler returned); it is passed through as such. */
  isBase64Encoded?: boolean;
}

/** A request the function refuses before any handler runs: becomes `status` with `{ message }`. */
export class BadRequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "BadRequestError";
  }
}

/** True for a value built with `jsonResponse`/`errorResponse` (or any HttpResponse). */
export function isHttpResponse(value: unknown): value is HttpResponse {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<HttpResponse>;
  return (
    typeof candidate.status === "number" &&
    isHeadersLike(candidate.headers) &&
    Array.isArray(candidate.cookies) &&
    typeof candidate.body === "string"
  );
}

export function jsonResponse(status: number, value: unknown, headers?: HeadersInit): HttpResponse {
  const out = new LightHeaders(headers);
  out.set("content-type", "application/json");
  return { status, headers: out, cookies: [], body: JSON.stringify(value) };
}

export function errorResponse(
  status: number,
  message: string,
  extra?: Record<string, unknown>,
): HttpResponse {
  return jsonResponse(status, { message, ...extra });
}
