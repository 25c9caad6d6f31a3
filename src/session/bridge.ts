import { serialize } from "cookie";
import { appendList } from "../http/headers.ts";
import { LightHeaders } from "../http/light-headers.ts";
import type { HttpResponse } from "../http/model.ts";
import type { AnyCollectingResponse } from "./collecting-response.ts";

/**
 * Adds what supertokens-node collected (tokens, front-token, exposed headers) to a response.
 * It changes `response` in place: every caller passes one it built for this request.
 */
export function withCollected(response: HttpResponse, collected: AnyCollectingResponse): HttpResponse {
  const headers = response.headers;
  for (const [name, value] of collected.headers) {
    // SuperTokens' own Content-Type belongs to its own body, not to the handler's.
    if (name === "content-type") continue;
    if (name === "access-control-expose-headers") appendList(headers, name, value);
    else headers.set(name, value);
  }
  if (collected.cookies.length === 0) return response;
  const cookies = collected.cookies.map((cookie) =>
    serialize(cookie.key, cookie.value, {
      domain: cookie.domain,
      secure: cookie.secure,
      httpOnly: cookie.httpOnly,
      expires: new Date(cookie.expires),
      path: cookie.path,
      sameSite: cookie.sameSite,
    }),
  );
  response.cookies = [...response.cookies, ...cookies];
  return response;
}

/** The response supertokens-node itself wrote (its routes and its error handler). */
export function collectedResponse(collected: AnyCollectingResponse): HttpResponse {
  const headers = new LightHeaders();
  const contentType = collected.headers.get("content-type");
  if (contentType) headers.set("content-type", contentType);
  const base: HttpResponse = {
    status: collected.statusCode,
    headers,
    cookies: [],
    body: collected.body ?? "",
  };
  return withCollected(base, collected);
}
