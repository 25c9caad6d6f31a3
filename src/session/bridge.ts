import { serialize } from "cookie";
import { PreParsedRequest } from "supertokens-node/framework/custom";
import type { HTTPMethod } from "supertokens-node/types";
import { appendList } from "../http/headers.ts";
import { parseJson } from "../http/json.ts";
import { LightHeaders } from "../http/light-headers.ts";
import type { HttpRequest, HttpResponse } from "../http/model.ts";
import type { AnyCollectingResponse } from "./collecting-response.ts";

/** The request model as supertokens-node's custom framework wants it. */
export function toSuperTokensRequest(request: HttpRequest): PreParsedRequest {
  const search = new URLSearchParams();
  for (const [name, values] of Object.entries(request.multiQuery))
    for (const value of values) search.append(name, value);
  const query = search.size > 0 ? `?${search}` : "";
  // supertokens-node's routes expect an object for an empty body.
  const json = async () => parseJson(request.body) ?? {};
  return new PreParsedRequest({
    url: `${request.path}${query}`,
    method: request.method.toLowerCase() as HTTPMethod,
    headers: request.headers,
    cookies: request.cookies,
    query: request.query,
    getJSONBody: json,
    getFormBody: async () => Object.fromEntries(new URLSearchParams(request.body)),
  });
}

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
