import { middleware } from "supertokens-node/framework/custom";
import { errorResponse } from "../http/model.ts";
import { collectedResponse } from "../session/bridge.ts";
import { CollectingResponse } from "../session/collecting-response.ts";
import { responseForError } from "../session/errors.ts";
import type { RequestHandler } from "../session/pipeline.ts";
import { toSuperTokensRequest } from "../session/supertokens-request.ts";

/**
 * SuperTokens' own routes under API_BASE_PATH: sign up, sign in, sign out, refresh, password reset
 * and, unless EMAIL_VERIFICATION=off, email verification. Anything else is a 404.
 */
export const authRoutes: RequestHandler = async (request) => {
  const superTokens = { request: toSuperTokensRequest(request), response: new CollectingResponse() };
  const outcome = await middleware()(superTokens.request, superTokens.response);
  if (outcome.error !== undefined) return responseForError(outcome.error, superTokens);
  if (!outcome.handled)
    return errorResponse(404, `no such auth route: ${request.method} ${request.path.slice(0, 200)}`);
  return collectedResponse(superTokens.response);
};
