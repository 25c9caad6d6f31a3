import { PreParsedRequest } from "supertokens-node/framework/custom";
import type { HTTPMethod } from "supertokens-node/types";
import { parseJson } from "../http/json.ts";
import type { HttpRequest } from "../http/model.ts";

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
