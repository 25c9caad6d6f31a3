import { parse as parseCookieHeader } from "cookie";
import { LightHeaders } from "./light-headers.ts";
import { ALLOWED_METHODS, MAX_BODY_BYTES, MAX_HEADER_BYTES } from "./limits.ts";
import { BadRequestError, type HttpRequest } from "./model.ts";
import { pathParamsOf } from "./route-params.ts";

type HeaderPairs = Iterable<readonly [string, string]>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function method(value: unknown): string {
  if (typeof value !== "string") throw new BadRequestError("event has no HTTP method");
  const upper = value.toUpperCase();
  if (!ALLOWED_METHODS.includes(upper))
    throw new BadRequestError(`method ${upper.slice(0, 20)} not allowed`, 405);
  return upper;
}

/** Single- and multi-value header maps as pairs; values that are not strings are refused. */
export function headerPairs(single: unknown, multi: unknown): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const seen = new Set<string>();
  if (isRecord(multi)) {
    for (const [name, values] of Object.entries(multi)) {
      if (values == null) continue;
      if (!Array.isArray(values)) throw new BadRequestError(`header ${name.slice(0, 40)} is malformed`);
      for (const value of values) pairs.push([name, stringValue(value, name)]);
      seen.add(name.toLowerCase());
    }
  }
  if (isRecord(single)) {
    for (const [name, value] of Object.entries(single)) {
      if (value == null || seen.has(name.toLowerCase())) continue;
      pairs.push([name, stringValue(value, name)]);
    }
  }
  return pairs;
}

function stringValue(value: unknown, name: string): string {
  if (typeof value !== "string") throw new BadRequestError(`header ${name.slice(0, 40)} is malformed`);
  return value;
}

/** Builds Headers, refusing names or values the Fetch spec rejects and oversized header sets. */
export function toHeaders(pairs: HeaderPairs): Headers {
  const headers = new LightHeaders();
  let size = 0;
  for (const [name, value] of pairs) {
    size += name.length + value.length + 4;
    if (size > MAX_HEADER_BYTES) throw new BadRequestError("request headers too large", 431);
    try {
      headers.append(name, value);
    } catch {
      throw new BadRequestError("request has a malformed header");
    }
  }
  return headers;
}

/** All cookies from Cookie headers and a cookies[] list; the first value of a repeated name wins. */
export function cookiesFrom(headers: Headers, extra: unknown = []): Record<string, string> {
  const lines: string[] = [];
  const header = headers.get("cookie");
  if (header) lines.push(...header.split(/;\s*|,\s*(?=[^;,=\s]+=)/));
  if (extra != null) {
    if (!Array.isArray(extra)) throw new BadRequestError("event cookies are malformed");
    for (const line of extra) {
      if (typeof line !== "string") throw new BadRequestError("event cookies are malformed");
      lines.push(line);
    }
  }
  const cookies: Record<string, string> = Object.create(null);
  for (const line of lines) {
    for (const [name, value] of Object.entries(parseCookieHeader(line))) {
      if (value !== undefined && !(name in cookies)) cookies[name] = value;
    }
  }
  return cookies;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The body as text; base64 is checked strictly because Node's decoder silently skips bad input. */
export function bodyText(body: unknown, isBase64Encoded: unknown): string {
  if (body == null) return "";
  if (typeof body !== "string") throw new BadRequestError("event body is not a string");
  if (isBase64Encoded === true) {
    const compact = body.replace(/\s+/g, "");
    if (compact.length % 4 === 1 || !BASE64.test(compact))
      throw new BadRequestError("event body is not valid base64");
    if ((compact.length * 3) / 4 > MAX_BODY_BYTES) throw new BadRequestError("request body too large", 413);
    return Buffer.from(compact, "base64").toString("utf8");
  }
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new BadRequestError("request body too large", 413);
  return body;
}

/** Query maps from single- and multi-value objects (already decoded by the platform). */
export function queryFromMaps(single: unknown, multi: unknown, decode = false): HttpRequest["multiQuery"] {
  const out: Record<string, string[]> = Object.create(null);
  const read = (value: string) => (decode ? safeDecode(value) : value);
  if (isRecord(multi)) {
    for (const [name, values] of Object.entries(multi)) {
      if (!Array.isArray(values)) throw new BadRequestError("query string is malformed");
      out[read(name)] = values.map((value) => {
        if (typeof value !== "string") throw new BadRequestError("query string is malformed");
        return read(value);
      });
    }
    return out;
  }
  if (isRecord(single)) {
    for (const [name, value] of Object.entries(single)) {
      if (value == null) continue;
      if (typeof value !== "string") throw new BadRequestError("query string is malformed");
      out[read(name)] = [read(value)];
    }
  }
  return out;
}

/** Every value of every name, in order, from already-decoded pairs. */
export function queryFromPairs(pairs: Iterable<[string, string]>): HttpRequest["multiQuery"] {
  const out: Record<string, string[]> = Object.create(null);
  for (const [name, value] of pairs) {
    const values = out[name];
    if (values) values.push(value);
    else out[name] = [value];
  }
  return out;
}

export function queryFromString(raw: unknown): HttpRequest["multiQuery"] {
  if (raw != null && typeof raw !== "string") throw new BadRequestError("query string is malformed");
  // Most requests carry none: no URLSearchParams to build (and compile, on a cold start) for them.
  if (!raw) return Object.create(null);
  return queryFromPairs(new URLSearchParams(raw));
}

export function lastValues(multi: HttpRequest["multiQuery"]): HttpRequest["query"] {
  const out: Record<string, string> = Object.create(null);
  for (const [name, values] of Object.entries(multi)) {
    const last = values.at(-1);
    if (last !== undefined) out[name] = last;
  }
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    throw new BadRequestError("query string is malformed");
  }
}

export function pathOf(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) throw new BadRequestError("event has no path");
  return value;
}

/** Assembles the request model; every platform decoder ends here. */
export function request(parts: {
  method: unknown;
  path: string;
  stage?: string | undefined;
  multiQuery: HttpRequest["multiQuery"];
  /** API Gateway's `pathParameters`; other shapes match the path against the function's route. */
  pathParameters?: unknown;
  headers: Headers;
  cookies?: unknown;
  body: string;
}): HttpRequest {
  return {
    method: method(parts.method),
    path: parts.path,
    stage: parts.stage && parts.stage !== "$default" ? parts.stage : undefined,
    multiQuery: parts.multiQuery,
    query: lastValues(parts.multiQuery),
    params: pathParamsOf(parts.path, parts.pathParameters),
    headers: parts.headers,
    cookies: cookiesFrom(parts.headers, parts.cookies),
    body: parts.body,
  };
}
