import SuperTokens from "supertokens-node";
import type { PreParsedRequest } from "supertokens-node/framework/custom";
import Session, { type SessionContainer, type VerifySessionOptions } from "supertokens-node/recipe/session";
import type { Config } from "../config.ts";
import { setCoreApiKeySource } from "../core-client/api-key.ts";
import { coreDeadlineMs, withDeadline } from "../core-client/deadline.ts";
import { CoreUnavailableError } from "../core-client/outage.ts";
import { coreUnreachable } from "../core-client/probe.ts";
import { ssmParameterReader } from "../core-client/ssm-parameter.ts";
import { type CorsPolicy, isPreflight, preflightResponse, withCors } from "../http/cors.ts";
import { errorResponse, type HttpRequest, type HttpResponse, isHttpResponse } from "../http/model.ts";
import { responseFromResult } from "../http/results.ts";
import { noteRequest } from "../observability/lifecycle.ts";
import { prepareMetrics } from "../observability/metrics.ts";
import { registerSecret } from "../observability/redact.ts";
import { warnAboutUndeclaredRoles } from "../observability/role-catalog.ts";
import { toSuperTokensRequest, withCollected } from "./bridge.ts";
import { CollectingResponse } from "./collecting-response.ts";
import { isTryRefresh, responseForError } from "./errors.ts";
import { superTokensConfig } from "./supertokens.ts";

/**
 * The one way a request goes through a function, whatever the entry point:
 * decode (the adapter) → limits → preflight/CORS → open session → handler → close session → CORS →
 * encode (the adapter). Entry points map their platform onto `enter` and `leave`; `runPipeline`
 * is the whole way for those that call the handler themselves.
 */
export interface Pipeline {
  /** Preflight, then the session; a response when the request must go no further. */
  enter(request: HttpRequest): Promise<Entered | HttpResponse>;
  /** The handler's result (or what it threw), with what SuperTokens produced and CORS. */
  leave(entered: Entered, outcome: Outcome): Promise<HttpResponse>;
  /** The answer for an event that could not be decoded into a request. */
  refuse(error: unknown): Promise<HttpResponse>;
}

/** A request that passed every step before the handler. */
export interface Entered {
  request: HttpRequest;
  config: Config;
  /** Undefined without a session step, or with `sessionRequired: false` and no session. */
  session: SessionContainer | undefined;
  superTokens?: SuperTokensExchange;
}

export type Outcome = { result: unknown } | { error: unknown };

/** The request as supertokens-node reads it, and what it writes back (tokens, headers). */
interface SuperTokensExchange {
  request: PreParsedRequest;
  response: CollectingResponse;
}

export interface PipelineOptions {
  /** Methods the function serves; any other is a 405 before the session is read (preflights pass). */
  methods?: readonly string[];
  /** Verify a session with these options; without them the handler runs with no session step. */
  session?: VerifySessionOptions;
}

/** A function's logic, platform-free: one request model in, one response model out. */
export type RequestHandler = (request: HttpRequest, raw: unknown) => Promise<HttpResponse>;

interface Ready {
  config: Config;
  cors: CorsPolicy;
}

let processPrepared = false;

/**
 * Once per process, however many pipelines it builds: the API key never appears in a log line; read
 * from SSM when it lives there (one reader, before any core call needs it); one warning for roles
 * roles.json does not declare.
 */
function prepareProcess(config: Config): void {
  if (processPrepared) return;
  processPrepared = true;
  registerSecret(config.apiKey);
  if (config.apiKeyParameter) {
    const read = ssmParameterReader(config.apiKeyParameter);
    setCoreApiKeySource(config.connectionUri, async () => {
      const key = await read();
      registerSecret(key);
      return key;
    });
  }
  warnAboutUndeclaredRoles(config);
}

export function createPipeline(options: PipelineOptions): Pipeline {
  let ready: Ready | undefined;
  // Once per cold start: SuperTokens init (if the function did not) and the CORS policy.
  const prepare = (): Ready => {
    if (ready) return ready;
    const config = superTokensConfig();
    prepareProcess(config);
    ready = {
      config,
      cors: { origin: config.websiteDomain, allowedHeaders: () => SuperTokens.getAllCORSHeaders() },
    };
    return ready;
  };
  // On Lambda (and Netlify, which runs on it) the module is loaded in the init phase, before the
  // first event: SuperTokens' init runs there instead of in the first request (bench/COLD-START.md,
  // cut 3), and so does making the metrics object. After the module has finished loading, so that a
  // function which initialises SuperTokens itself at import (`functions/auth.ts`, with its own
  // recipes) has done so first. A config error is left for the first request, which answers it and
  // logs it as before.
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) {
    queueMicrotask(() => {
      try {
        prepareMetrics();
        prepare();
      } catch {}
    });
  }

  return {
    async enter(request) {
      noteRequest(request);
      try {
        const { config, cors } = prepare();
        if (isPreflight(request)) return preflightResponse(request, cors);
        if (options.methods && !options.methods.includes(request.method)) {
          const allow = options.methods.join(", ");
          const refused = errorResponse(405, `use ${allow} here`);
          refused.headers.set("allow", allow);
          return withCors(request, refused, cors);
        }
        if (!options.session) return { request, config, session: undefined };
        const opened = await openSession(request, options.session, config);
        return isHttpResponse(opened) ? withCors(request, opened, cors) : opened;
      } catch (error) {
        return responseForError(error);
      }
    },
    async leave(entered, outcome) {
      const response = await closeSession(entered, outcome);
      return ready ? withCors(entered.request, response, ready.cors) : response;
    },
    refuse: (error) => responseForError(error),
  };
}

async function openSession(
  request: HttpRequest,
  options: VerifySessionOptions,
  config: Config,
): Promise<Entered | HttpResponse> {
  const superTokens = { request: toSuperTokensRequest(request), response: new CollectingResponse() };
  // Verification may fetch the JWKS with supertokens-node's own client, outside the fetch hook.
  const deadlineMs = coreDeadlineMs(config.coreTimeoutMs);
  try {
    const session = await withDeadline(
      Session.getSession(superTokens.request, superTokens.response, options),
      deadlineMs,
      () =>
        new CoreUnavailableError(new Error("verification timed out"), {
          reason: "timeout",
          coreUrl: config.connectionUri,
          detail: `verification got no answer within ${deadlineMs} ms`,
        }),
    );
    return { request, config, session, superTokens };
  } catch (error) {
    const outage = isTryRefresh(error) ? await coreUnreachable(config, request) : undefined;
    return responseForError(outage ?? error, superTokens);
  }
}

async function closeSession(entered: Entered, outcome: Outcome): Promise<HttpResponse> {
  const collected = entered.superTokens;
  if ("result" in outcome) {
    const response = await responseFromResult(outcome.result);
    return collected ? withCollected(response, collected.response) : response;
  }
  const response = await responseForError(outcome.error, collected);
  // A session error already carries what SuperTokens collected; anything else keeps a token it issued.
  return collected && !SuperTokens.Error.isErrorFromSuperTokens(outcome.error)
    ? withCollected(response, collected.response)
    : response;
}

/** The whole way through, for entry points that call the handler themselves. */
export async function runPipeline(
  pipeline: Pipeline,
  decode: () => HttpRequest | Promise<HttpRequest>,
  handle: (entered: Entered) => unknown,
): Promise<HttpResponse> {
  let request: HttpRequest;
  try {
    request = await decode();
  } catch (error) {
    return pipeline.refuse(error);
  }
  const entered = await pipeline.enter(request);
  if (isHttpResponse(entered)) return entered;
  let outcome: Outcome;
  try {
    outcome = { result: await handle(entered) };
  } catch (error) {
    outcome = { error };
  }
  return pipeline.leave(entered, outcome);
}
