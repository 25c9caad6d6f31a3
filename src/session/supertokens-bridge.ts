/**
 * The pipeline's supertokens-node side, loaded with `import()` only when a request needs it: a
 * token the quick path would not vouch for, claim checks, a handler writing the session, a
 * preflight, or one of SuperTokens' own errors. A function that never gets there never loads
 * supertokens-node (bench/COLD-START.md).
 */
import SuperTokens from "supertokens-node";
import { errorHandler, type PreParsedRequest } from "supertokens-node/framework/custom";
import Session, { type SessionContainer } from "supertokens-node/recipe/session";
import type { Config } from "../config/core.ts";
import { coreDeadlineMs, withDeadline } from "../core-client/deadline.ts";
import { CoreUnavailableError } from "../core-client/outage.ts";
import { coreUnreachable } from "../core-client/probe.ts";
import { errorResponse, type HttpRequest, type HttpResponse } from "../http/model.ts";
import { collectedResponse } from "./bridge.ts";
import { type AnyCollectingResponse, CollectingResponse } from "./collecting-response.ts";
import { type SessionOptions, sessionOptionsOf } from "./guards.ts";
import { startSuperTokens } from "./supertokens.ts";
import { toSuperTokensRequest } from "./supertokens-request.ts";

/** The request as supertokens-node reads it, and what it writes back (tokens, headers). */
export interface SuperTokensExchange {
  request: PreParsedRequest;
  response: AnyCollectingResponse;
}

type SuperTokensError = InstanceType<typeof SuperTokens.Error>;

/** The session recipe's error types, each answered by SuperTokens' own error handler. */
const SESSION_ERRORS = new Set([
  "UNAUTHORISED",
  "TRY_REFRESH_TOKEN",
  "TOKEN_THEFT_DETECTED",
  "INVALID_CLAIMS",
  "CLEAR_DUPLICATE_SESSION_COOKIES",
]);

export function isErrorFromSuperTokens(error: unknown): error is SuperTokensError {
  return SuperTokens.Error.isErrorFromSuperTokens(error);
}

function isSessionError(error: unknown): error is SuperTokensError {
  return isErrorFromSuperTokens(error) && SESSION_ERRORS.has(error.type);
}

export { startSuperTokens } from "./supertokens.ts";

export const allowedCorsHeaders = (): string[] => SuperTokens.getAllCORSHeaders();

/**
 * SuperTokens' own answer to one of its errors (401 unauthorised / try refresh token, 403 invalid
 * claim, cookie clearing, 400 bad input); undefined for an error its handler leaves to us.
 */
export async function superTokensErrorResponse(
  error: unknown,
  exchange: SuperTokensExchange,
): Promise<HttpResponse | undefined> {
  if (!isErrorFromSuperTokens(error)) return undefined;
  if (error.type === SuperTokens.Error.BAD_INPUT_ERROR) return errorResponse(400, error.message);
  if (!isSessionError(error)) return undefined;
  let unhandled: unknown;
  await errorHandler()(error, exchange.request, exchange.response, (next?: unknown) => {
    unhandled = next;
  });
  return unhandled === undefined ? collectedResponse(exchange.response) : undefined;
}

type Opened =
  | { session: SessionContainer | undefined; superTokens: SuperTokensExchange }
  | { refused: unknown; superTokens: SuperTokensExchange };

/**
 * supertokens-node's getSession within the core deadline. A "try refresh token" while the core is
 * down is the outage it stands for (503), not a refresh the client cannot make.
 */
export async function openFullSession(
  request: HttpRequest,
  options: SessionOptions,
  config: Config,
): Promise<Opened> {
  startSuperTokens();
  const superTokens = { request: toSuperTokensRequest(request), response: new CollectingResponse() };
  // Verification may fetch the JWKS with supertokens-node's own client, outside the fetch hook.
  const deadlineMs = coreDeadlineMs(config.coreTimeoutMs);
  try {
    const session = await withDeadline(
      Session.getSession(superTokens.request, superTokens.response, sessionOptionsOf(options)),
      deadlineMs,
      () =>
        new CoreUnavailableError(new Error("verification timed out"), {
          reason: "timeout",
          coreUrl: config.connectionUri,
          detail: `verification got no answer within ${deadlineMs} ms`,
        }),
    );
    return { session, superTokens };
  } catch (error) {
    const tryRefresh = isSessionError(error) && error.type === "TRY_REFRESH_TOKEN";
    const outage = tryRefresh ? await coreUnreachable(config, request) : undefined;
    return { refused: outage ?? error, superTokens };
  }
}
