import SuperTokens from "supertokens-node";
import { responseForError } from "../errors.ts";
import { ensureSuperTokens } from "../supertokens.ts";
import { type CorsPolicy, isPreflight, preflightResponse, withCors } from "./cors.ts";
import type { HttpRequest, HttpResponse } from "./model.ts";

/** A function's logic, platform-free: one request model in, one response model out. */
export type RequestHandler = (request: HttpRequest, raw: unknown) => Promise<HttpResponse>;

let policy: CorsPolicy | undefined;

export function corsPolicy(): CorsPolicy {
  const config = ensureSuperTokens();
  policy ??= { origin: config.websiteDomain, allowedHeaders: () => SuperTokens.getAllCORSHeaders() };
  return policy;
}

/** What every platform adapter runs: CORS preflight, the handler, errors as JSON, CORS headers. */
export async function respond(
  handler: RequestHandler,
  request: HttpRequest,
  raw: unknown,
): Promise<HttpResponse> {
  const cors = corsPolicy();
  if (isPreflight(request)) return preflightResponse(request, cors);
  let response: HttpResponse;
  try {
    response = await handler(request, raw);
  } catch (error) {
    response = await responseForError(error);
  }
  return withCors(request, response, cors);
}
