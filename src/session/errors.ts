import { ConfigError } from "../config/parse.ts";
import { coreOutage, type Outage, type OutageReason } from "../core-client/outage.ts";
import { BadRequestError, errorResponse, type HttpResponse } from "../http/model.ts";
import { logConfigError, logCoreUnavailable, logInternalError } from "../observability/log-lines.ts";
import type { SuperTokensExchange } from "./supertokens-bridge.ts";

/**
 * An error supertokens-node made (its errors carry a marker): supertokens-node is loaded then, so
 * asking it costs no load.
 */
export function mayBeFromSuperTokens(error: unknown): boolean {
  return typeof error === "object" && error !== null && "errMagic" in error;
}

/** Each outage cause as the operator reads it in the 503 line. */
const OUTAGES: Record<OutageReason, string> = {
  "connection-refused": "the core refused the connection (not running, or wrong SUPERTOKENS_CONNECTION_URI)",
  timeout: "the core did not answer in time (CORE_TIMEOUT_MS, or the invocation's remaining time)",
  "invalid-api-key": "the core refused the API key (it answered 401)",
  "core-5xx": "the core answered with a server error",
  "malformed-answer": "the core's answer was not what supertokens-node reads",
  "connection-lost": "the connection to the core broke during the request",
  unreachable: "the core could not be reached",
  "api-key-parameter": "the API key could not be read from SSM (SUPERTOKENS_API_KEY_PARAMETER)",
};

function isUnknownTenant(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.message === "Tenant not found error." ||
    /with status code: 400 and message: AppId or tenantId not found/.test(error.message) ||
    unroutableTenant(error.message)
  );
}

/**
 * A tenant id the core cannot even route (tenant ids are lower-case letters, digits and dashes): the
 * core answers 404 for whatever supertokens-node asks under it first.
 */
function unroutableTenant(message: string): boolean {
  const tenant = /request to path: '\/([^/']+)\/[^']*' with status code: 404/.exec(message)?.[1];
  return tenant !== undefined && !tenant.startsWith("appid-") && !/^[a-z0-9-]+$/.test(tenant);
}

function unavailable(outage: Outage): HttpResponse {
  logCoreUnavailable({
    cause: outage.reason,
    description: OUTAGES[outage.reason],
    coreUrl: outage.coreUrl,
    corePath: outage.corePath,
    detail: outage.detail,
  });
  return errorResponse(503, "session service unavailable");
}

/**
 * Maps anything thrown while serving a request to the answer a client should see:
 * SuperTokens' own session answers (401 unauthorised / try refresh token, 403 invalid claim,
 * cookie clearing) come from its error handler; the rest is 400, 503 or 500. Every 503 and every
 * 500 writes one ERROR line saying why.
 */
export async function responseForError(
  error: unknown,
  superTokens?: SuperTokensExchange,
): Promise<HttpResponse> {
  if (error instanceof BadRequestError) return errorResponse(error.status, error.message);
  // The environment, not the request or the code: said as such, naming the variable (the client
  // learns only that the function is misconfigured).
  if (error instanceof ConfigError) {
    logConfigError(error);
    return errorResponse(500, "function misconfigured");
  }
  // supertokens-node throws a plain Error when a refresh request repeats a session cookie (and no
  // olderCookieDomain is set): the client's doing, so a 400 rather than a logged 500.
  if (error instanceof Error && error.message.startsWith("The request contains multiple session cookies")) {
    return errorResponse(400, "the request repeats a session cookie");
  }
  // An unknown tenant in /auth/<tenant>/…: supertokens-node throws a plain Error for it (its own check,
  // or the core's 400), which would otherwise be a logged 500.
  if (isUnknownTenant(error)) return errorResponse(404, "unknown tenant");
  const outage = coreOutage(error);
  if (outage) return unavailable(outage);
  if (superTokens && mayBeFromSuperTokens(error)) {
    const { superTokensErrorResponse } = await import("./supertokens-bridge.ts");
    const answered = await superTokensErrorResponse(error, superTokens);
    if (answered) return answered;
  }
  logInternalError("handler", error);
  return errorResponse(500, "internal error");
}
