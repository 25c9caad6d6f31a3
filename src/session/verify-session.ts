import type { SessionContainer } from "supertokens-node/recipe/session";
import type { Config } from "../config/core.ts";
import { parseJson } from "../http/json.ts";
import type { HttpRequest } from "../http/model.ts";
import {
  type Handle,
  type LambdaHandler,
  lambdaEntry,
  type NetlifyHandler,
  netlifyEntry,
} from "./entry-points.ts";
import type { SessionOptions } from "./guards.ts";
import { createPipeline } from "./pipeline.ts";

export type { SessionOptions } from "./guards.ts";

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
  /** The function's config, read once per cold start. */
  config: Config;
}

/** A web Response, a Lambda result, or any other value (sent as 200 JSON; `undefined` as 204). */
export type SessionHandler<S, Raw> = (input: SessionHandlerInput<S, Raw>) => unknown | Promise<unknown>;

export function sessionRequest(request: HttpRequest): SessionRequest {
  return { ...request, json: () => parseJson(request.body) };
}

/** The pipeline every entry point of these options shares the shape of: methods, then the session. */
export function pipelineFor(options: SessionOptions | undefined) {
  return createPipeline({ session: options ?? {}, methods: options?.methods });
}

function callHandler<S, Raw>(handler: SessionHandler<S, Raw>): Handle {
  return (entered, raw) =>
    handler({
      session: entered.session as S,
      request: sessionRequest(entered.request),
      raw: raw as Raw,
      config: entered.config,
    });
}

/** Wraps a handler for Lambda: every API Gateway, Function URL, ALB and Netlify v1 event shape. */
export function verifySession<O extends SessionOptions = NoOptions, Raw = unknown>(
  handler: SessionHandler<SessionFor<O>, Raw>,
  options?: O,
): LambdaHandler {
  return lambdaEntry(pipelineFor(options), callHandler(handler));
}

/** Wraps a handler for Netlify Functions v2: `(req: Request, context) => Response`. */
export function verifySessionNetlify<O extends SessionOptions = NoOptions>(
  handler: SessionHandler<SessionFor<O>, Request>,
  options?: O,
): NetlifyHandler {
  return netlifyEntry(pipelineFor(options), callHandler(handler));
}
