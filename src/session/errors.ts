import SuperTokens from "supertokens-node";
import {
  type CollectingResponse,
  errorHandler,
  type PreParsedRequest,
} from "supertokens-node/framework/custom";
import { isCoreUnavailable } from "../core-client/fetch-hook.ts";
import { BadRequestError, errorResponse, type HttpResponse } from "../http/model.ts";
import { collectedResponse } from "./bridge.ts";

type SuperTokensError = InstanceType<typeof SuperTokens.Error>;

/** The session recipe's error types, each answered by SuperTokens' own error handler. */
const SESSION_ERRORS = new Set([
  "UNAUTHORISED",
  "TRY_REFRESH_TOKEN",
  "TOKEN_THEFT_DETECTED",
  "INVALID_CLAIMS",
  "CLEAR_DUPLICATE_SESSION_COOKIES",
]);

export function isSessionError(error: unknown): error is SuperTokensError {
  return SuperTokens.Error.isErrorFromSuperTokens(error) && SESSION_ERRORS.has(error.type);
}

export function isTryRefresh(error: unknown): boolean {
  return isSessionError(error) && error.type === "TRY_REFRESH_TOKEN";
}

/** One structured log line for an error we answer with 500: no stack reaches the client. */
export function logInternalError(where: string, error: unknown): void {
  const detail =
    error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { error };
  console.error(JSON.stringify({ level: "error", msg: "internal error", where, ...detail }));
}

/**
 * Maps anything thrown while serving a request to the answer a client should see:
 * SuperTokens' own session answers (401 unauthorised / try refresh token, 403 invalid claim,
 * cookie clearing) come from its error handler; the rest is 400, 503 or 500.
 */
export async function responseForError(
  error: unknown,
  superTokens?: { request: PreParsedRequest; response: CollectingResponse },
): Promise<HttpResponse> {
  if (error instanceof BadRequestError) return errorResponse(error.status, error.message);
  // supertokens-node throws a plain Error when a refresh request repeats a session cookie (and no
  // olderCookieDomain is set): the client's doing, so a 400 rather than a logged 500.
  if (error instanceof Error && error.message.startsWith("The request contains multiple session cookies")) {
    return errorResponse(400, "the request repeats a session cookie");
  }
  if (isCoreUnavailable(error) || causedBy(error, isCoreUnavailable)) {
    return errorResponse(503, "session service unavailable");
  }
  if (superTokens && SuperTokens.Error.isErrorFromSuperTokens(error)) {
    if (error.type === SuperTokens.Error.BAD_INPUT_ERROR) return errorResponse(400, error.message);
    if (isSessionError(error)) {
      let unhandled: unknown;
      await errorHandler()(error, superTokens.request, superTokens.response, (next?: unknown) => {
        unhandled = next;
      });
      if (unhandled === undefined) return collectedResponse(superTokens.response);
    }
  }
  logInternalError("handler", error);
  return errorResponse(500, "internal error");
}

function causedBy(error: unknown, test: (value: unknown) => boolean): boolean {
  // supertokens-node wraps some failures (e.g. in claim fetching) in its own errors.
  const payload = (error as { payload?: unknown } | undefined)?.payload;
  return payload !== undefined && test(payload);
}
