import SuperTokens from "supertokens-node";
import { CollectingResponse, type PreParsedRequest } from "supertokens-node/framework/custom";
import Session, {
  type SessionClaimValidator,
  type SessionContainer,
  type VerifySessionOptions,
} from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { CoreUnavailableError } from "./core-fetch.ts";
import { coreUnreachable } from "./core-probe.ts";
import { withDeadline } from "./deadline.ts";
import { isTryRefresh, responseForError } from "./errors.ts";
import { decodeLambdaResult, isLambdaResult } from "./http/lambda.ts";
import {
  type HttpRequest,
  type HttpResponse,
  isHttpResponse,
  jsonResponse,
  parseJsonBody,
} from "./http/model.ts";
import { decodeWebResponse } from "./http/netlify.ts";
import type { RequestHandler } from "./http/respond.ts";
import { toSuperTokensRequest, withCollected } from "./http/supertokens-bridge.ts";
import { type LambdaHandler, lambdaHandler, type NetlifyHandler, netlifyHandler } from "./platform.ts";
import { ensureSuperTokens } from "./supertokens.ts";

export interface SessionOptions extends VerifySessionOptions {
  /** Roles the caller must hold, checked against the core on every request (never a stale token). */
  requireRoles?: string[];
}

/** Options as given; without any, a session is required. */
type NoOptions = Record<never, never>;

/**
 * The session a handler gets: `undefined` is possible whenever `sessionRequired` may be false,
 * also when the options are typed `SessionOptions` or `{ sessionRequired: boolean }`.
 */
export type SessionFor<O> = false extends (
  "sessionRequired" extends keyof O
    ? O[keyof O & "sessionRequired"]
    : true
)
  ? SessionContainer | undefined
  : SessionContainer;

export interface SessionRequest extends HttpRequest {
  /** The body parsed as JSON (`undefined` when empty); malformed JSON answers 400 for you. */
  json(): unknown;
}

export interface SessionHandlerInput<S, Raw> {
  session: S;
  request: SessionRequest;
  /** The platform's own event or Request, for what the model does not carry. */
  raw: Raw;
}

/** A web Response, a Lambda result, or any other value (sent as 200 JSON; `undefined` as 204). */
export type SessionHandler<S, Raw> = (input: SessionHandlerInput<S, Raw>) => unknown | Promise<unknown>;

/**
 * Requires `role`, read from the core on every request so a revoked role is refused at once.
 * (SuperTokens' own `includes(role, 0)` refetches too, but then fails its age check by a millisecond.)
 */
function roleFromCore(role: string): SessionClaimValidator {
  return { ...UserRoles.UserRoleClaim.validators.includes(role), shouldRefetch: () => true };
}

function claimValidators(options: SessionOptions): VerifySessionOptions["overrideGlobalClaimValidators"] {
  const { requireRoles, overrideGlobalClaimValidators } = options;
  if (!requireRoles?.length) return overrideGlobalClaimValidators;
  return async (globals, session, userContext) => {
    const base = overrideGlobalClaimValidators
      ? await overrideGlobalClaimValidators(globals, session, userContext)
      : globals;
    return [...base, ...requireRoles.map(roleFromCore)];
  };
}

async function toHttpResponse(result: unknown): Promise<HttpResponse> {
  // A handler may return the same response object every time: the copy is what gets headers added.
  if (isHttpResponse(result))
    return { ...result, headers: new Headers(result.headers), cookies: [...result.cookies] };
  if (result instanceof Response) return decodeWebResponse(result);
  if (isLambdaResult(result)) return decodeLambdaResult(result);
  if (result === undefined) return { status: 204, headers: new Headers(), cookies: [], body: "" };
  return jsonResponse(200, result);
}

export function sessionOptionsOf(options: SessionOptions | undefined): VerifySessionOptions {
  const { requireRoles: _roles, ...rest } = options ?? {};
  return { ...rest, overrideGlobalClaimValidators: claimValidators(options ?? {}) };
}

/** A verified request, between verification and the handler's answer. */
export interface OpenSession {
  session: SessionContainer | undefined;
  superTokens: { request: PreParsedRequest; response: CollectingResponse };
}

/** Verifies the request's session; an error answer (401, 403, 503…) when it must go no further. */
export async function openSession(
  request: HttpRequest,
  options: VerifySessionOptions,
): Promise<OpenSession | HttpResponse> {
  const config = ensureSuperTokens();
  const superTokens = { request: toSuperTokensRequest(request), response: new CollectingResponse() };
  try {
    const session = await withDeadline(
      Session.getSession(superTokens.request, superTokens.response, options),
      config.coreTimeoutMs,
      () => new CoreUnavailableError(`no answer within ${config.coreTimeoutMs} ms`),
    );
    return { session, superTokens };
  } catch (error) {
    if (isTryRefresh(error) && (await coreUnreachable(config, request))) {
      return responseForError(new CoreUnavailableError(error));
    }
    return responseForError(error, superTokens);
  }
}

/** The handler's result (or what it threw) with every cookie and header SuperTokens produced. */
export async function closeSession(
  open: OpenSession,
  outcome: { result: unknown } | { error: unknown },
): Promise<HttpResponse> {
  if ("result" in outcome)
    return withCollected(await toHttpResponse(outcome.result), open.superTokens.response);
  const response = await responseForError(outcome.error, open.superTokens);
  // A session error already carries what SuperTokens collected; anything else keeps a token it issued.
  return SuperTokens.Error.isErrorFromSuperTokens(outcome.error)
    ? response
    : withCollected(response, open.superTokens.response);
}

export function isOpenSession(value: OpenSession | HttpResponse): value is OpenSession {
  return "superTokens" in value;
}

export function sessionRequest(request: HttpRequest): SessionRequest {
  return { ...request, json: () => parseJsonBody(request) };
}

/** The platform-free core of verifySession: verify, run the handler, add SuperTokens' output. */
export function withSession<O extends SessionOptions = NoOptions, Raw = unknown>(
  handler: SessionHandler<SessionFor<O>, Raw>,
  options?: O,
): RequestHandler {
  const verifyOptions = sessionOptionsOf(options);
  return async (request, raw) => {
    const open = await openSession(request, verifyOptions);
    if (!isOpenSession(open)) return open;
    try {
      const result = await handler({
        session: open.session as SessionFor<O>,
        request: sessionRequest(request),
        raw: raw as Raw,
      });
      return closeSession(open, { result });
    } catch (error) {
      return closeSession(open, { error });
    }
  };
}

/** Wraps a handler for Lambda: every API Gateway, Function URL, ALB and Netlify v1 event shape. */
export function verifySession<O extends SessionOptions = NoOptions, Raw = unknown>(
  handler: SessionHandler<SessionFor<O>, Raw>,
  options?: O,
): LambdaHandler {
  return lambdaHandler(withSession(handler, options));
}

/** Wraps a handler for Netlify Functions v2: `(req: Request, context) => Response`. */
export function verifySessionNetlify<O extends SessionOptions = NoOptions>(
  handler: SessionHandler<SessionFor<O>, Request>,
  options?: O,
): NetlifyHandler {
  return netlifyHandler(withSession(handler, options));
}
