import { isRecord } from "./decode.ts";
import { LightHeaders } from "./light-headers.ts";
import { type HttpResponse, isHttpResponse, jsonResponse } from "./model.ts";

/** A Lambda result a handler returned, read back into the response model so cookies can be added. */
export function decodeLambdaResult(result: Record<string, unknown>): HttpResponse {
  const status = typeof result.statusCode === "number" ? result.statusCode : 200;
  const headers = new LightHeaders();
  const cookies: string[] = [];
  const add = (name: string, value: unknown) => {
    if (value == null) return;
    if (name.toLowerCase() === "set-cookie") cookies.push(String(value));
    else headers.append(name, String(value));
  };
  if (isRecord(result.multiValueHeaders)) {
    for (const [name, values] of Object.entries(result.multiValueHeaders)) {
      for (const value of Array.isArray(values) ? values : [values]) add(name, value);
    }
  }
  if (isRecord(result.headers)) {
    for (const [name, value] of Object.entries(result.headers)) {
      if (!(isRecord(result.multiValueHeaders) && name in result.multiValueHeaders)) add(name, value);
    }
  }
  if (Array.isArray(result.cookies)) cookies.push(...result.cookies.map(String));
  const body = typeof result.body === "string" ? result.body : "";
  return { status, headers, cookies, body, isBase64Encoded: result.isBase64Encoded === true };
}

export function isLambdaResult(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && typeof value.statusCode === "number";
}

/** A web Response a handler returned, read back into the response model so cookies can be added. */
export async function decodeWebResponse(res: Response): Promise<HttpResponse> {
  const headers = new LightHeaders();
  for (const [name, value] of res.headers) if (name !== "set-cookie") headers.append(name, value);
  return { status: res.status, headers, cookies: res.headers.getSetCookie(), body: await res.text() };
}

/**
 * A web Response: only an object shaped like one is checked with `instanceof`, since touching the
 * global `Response` makes Node load undici (bench/COLD-START.md, cut 2). A handler that built a
 * Response has loaded it already.
 */
function isWebResponse(value: unknown): value is Response {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Response>;
  return (
    typeof candidate.status === "number" &&
    typeof candidate.text === "function" &&
    typeof candidate.arrayBuffer === "function" &&
    typeof candidate.headers === "object" &&
    value instanceof Response
  );
}

/**
 * Whatever a handler returned, as a response of its own: the response model, a web Response, a
 * Lambda result, `undefined` (204) or any other value (200 JSON).
 */
export async function responseFromResult(result: unknown): Promise<HttpResponse> {
  // A handler may return the same response object every time: the copy is what gets headers added.
  if (isHttpResponse(result))
    return { ...result, headers: new LightHeaders(result.headers), cookies: [...result.cookies] };
  if (isWebResponse(result)) return decodeWebResponse(result);
  if (isLambdaResult(result)) return decodeLambdaResult(result);
  if (result === undefined) return { status: 204, headers: new LightHeaders(), cookies: [], body: "" };
  return jsonResponse(200, result);
}
