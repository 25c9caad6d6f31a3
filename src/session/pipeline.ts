import type { SessionContainer } from "supertokens-node/recipe/session";
import {
  type Config,
  connectionUriFromEnvironment,
  DEFAULT_CORE_TIMEOUT_MS,
  runtimeConfig,
} from "../config/core.ts";
import { ConfigError } from "../config/parse.ts";
import { setCoreApiKeySource } from "../core-client/api-key.ts";
import { prefetchSigningKeys } from "../core-client/signing-keys.ts";
import { ssmParameterReader } from "../core-client/ssm-parameter.ts";
import { type CorsPolicy, isPreflight, preflightResponse, withCors } from "../http/cors.ts";
import { errorResponse, type HttpRequest, type HttpResponse, isHttpResponse } from "../http/model.ts";
import { responseFromResult } from "../http/results.ts";
import { noteRequest } from "../observability/lifecycle.ts";
import { logInternalError } from "../observability/log-lines.ts";
import { prepareMetrics } from "../observability/metrics.ts";
import { registerSecret } from "../observability/redact.ts";
import { warnAboutUndeclaredRoles } from "../observability/role-catalog.ts";
import { type EarlyRolesRead, startEarlyRolesRead } from "../roles/early-read.ts";
import { withCollected } from "./bridge.ts";
import { SESSION_ONLY_CORS_HEADERS } from "./cors-headers.ts";
import { mayBeFromSuperTokens, responseForError } from "./errors.ts";
import { enforceRoleRequirements, guardsRoles, requiresPermissions, type SessionOptions } from "./guards.ts";
import { LightSession } from "./light-session.ts";
import { optionsAllowQuickPath } from "./quick-path-decision.ts";
import { type QuickToken, quickVerify } from "./quick-verify.ts";
import type { SuperTokensExchange } from "./supertokens-bridge.ts";
import {
  ensureSuperTokensStarted,
  inInitPhase,
  loadSuperTokensBridge,
  startedWith,
  superTokensNodeLoaded,
} from "./supertokens-lifecycle.ts";

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
  /** What supertokens-node read and wrote; absent while the quick path alone served the session. */
  superTokens?: SuperTokensExchange;
  /** A function that reads roles, on a cold start: the read started while the keys were fetched. */
  earlyRoles?: EarlyRolesRead;
}

export type Outcome = { result: unknown } | { error: unknown };

export interface PipelineOptions {
  /** Methods the function serves; any other is a 405 before the session is read (preflights pass). */
  methods?: readonly string[];
  /** Verify a session with these options; without them the handler runs with no session step. */
  session?: SessionOptions;
  /**
   * Whether the quick path may vouch for a plain, current token without supertokens-node (it steps
   * aside by itself for claim checks, checkDatabase and anything unusual). By default it does so only
   * in a function whose code has not loaded supertokens-node by its first request: one that has (it
   * writes sessions or calls recipes) would fetch the core's keys twice. `false` never, `true` always
   * (the differential test compares the two).
   */
  quickVerify?: boolean;
  /**
   * The function reads the user's roles and their permissions on every request (the authorizer; guards
   * are seen in `session`): on a cold start, the permissions of the roles its first token names are
   * read while the keys load (src/roles/early-read.ts).
   */
  readsPermissions?: boolean;
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

/** The session options as they stand at the first request: `deferred` decided and merged over the rest. */
async function settled(options: SessionOptions): Promise<SessionOptions> {
  const { deferred, ...rest } = options;
  return deferred ? { ...rest, ...(await deferred()) } : rest;
}

export function createPipeline(options: PipelineOptions): Pipeline {
  let ready: Ready | undefined;
  // Decided at the first request (by default), and off for good once a handler of this function
  // needed supertokens-node's Session: then the quick path would only verify every token twice.
  let quick: boolean | undefined =
    options.quickVerify === false ||
    (options.session && !optionsAllowQuickPath({ ...options.session, deferred: undefined }))
      ? false
      : options.quickVerify;
  // Decided once, at the first request that opens a session; an option that only then turns out to
  // need getSession (EMAIL_VERIFICATION=required) turns the quick path off for good.
  let sessionOptions: Promise<SessionOptions> | undefined;
  const sessionOptionsNow = async (given: SessionOptions): Promise<SessionOptions> => {
    sessionOptions ??= settled(given).then((options) => {
      if (!optionsAllowQuickPath(options)) quick = false;
      return options;
    });
    return sessionOptions;
  };
  // Once per cold start: the config (the one SuperTokens was started with, if it was) and CORS. Only
  // what needs supertokens-node (a preflight's header list) asks for it.
  const prepare = (): Ready => {
    if (ready) return ready;
    const config = startedWith()?.config ?? runtimeConfig();
    prepareProcess(config);
    // The header list of Session and UserRoles; a function with recipes of its own asks supertokens-node.
    ready = {
      config,
      cors: { origin: config.websiteDomain, allowedHeaders: () => [...SESSION_ONLY_CORS_HEADERS] },
    };
    return ready;
  };
  // On Lambda (and Netlify, which runs on it) the module is loaded in the init phase, before the
  // first event: a function that needs SuperTokens at once reads its config and starts it there
  // (bench/COLD-START.md, cut 3; the bundle's entry waits for it if supertokens-node is loaded at
  // start, scripts/bundler/start-layout.ts), one that verifies alone asks for
  // the core's keys there (cut 13). Loading the metrics module starts there too, without waiting.
  // After the module has finished loading, so that a function which initialises SuperTokens itself at
  // import (`functions/auth.ts`, with its own recipes) has done so first. A config error is left for
  // the first request, which answers it and logs it as before.
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) {
    queueMicrotask(() => {
      try {
        prepareMetrics();
        if (startedWith() || superTokensNodeLoaded() || quick === false) {
          prepare();
          inInitPhase(ensureSuperTokensStarted());
        } else if (options.session) {
          // The quick path's first request needs the core's keys: they are asked for now, while the
          // runtime fetches the first event. Only the core's URL is needed (the keys are public); the
          // config itself is read and validated at the first request, which reports any error.
          const coreUrl = connectionUriFromEnvironment();
          if (coreUrl) prefetchSigningKeys(coreUrl, DEFAULT_CORE_TIMEOUT_MS);
        }
      } catch (error) {
        // A config error is answered and logged at the first request (errors.ts); anything else is
        // a bug worth a line now.
        if (!(error instanceof ConfigError)) logInternalError("init phase", error);
      }
    });
  }

  const openSession = async (
    request: HttpRequest,
    session: SessionOptions,
    config: Config,
    reads: { roles: boolean; permissions: boolean },
  ) => {
    quick ??= !superTokensNodeLoaded();
    const started = startedWith();
    if (quick && (started === undefined || started.noGlobalClaims)) {
      let token: QuickToken | undefined;
      let earlyRoles: EarlyRolesRead | undefined;
      const whileKeysLoad = (unverified: Record<string, unknown>) => {
        earlyRoles = startEarlyRolesRead(config, unverified, reads.permissions);
      };
      try {
        token = await quickVerify(request, config, reads.roles ? whileKeysLoad : undefined);
      } catch (outage) {
        // The core could not give its keys: the 503 (with CORS) getSession's path would end in too.
        return responseForError(outage);
      }
      if (token) {
        const entered: Entered = { request, config, session: undefined, earlyRoles };
        entered.session = new LightSession(token, async () => {
          // The handler writes or reads the session beyond its token: supertokens-node's own Session.
          quick = false;
          const opened = await (await loadSuperTokensBridge()).openFullSession(request, session, config);
          entered.superTokens = opened.superTokens;
          if ("refused" in opened) throw opened.refused;
          if (!opened.session) throw new Error("supertokens-node found no session the quick path verified");
          return opened.session;
        });
        // The handler may call a recipe its file imported: started first, as without the quick path.
        if (!startedWith() && superTokensNodeLoaded()) await ensureSuperTokensStarted();
        return entered;
      }
    }
    const opened = await (await loadSuperTokensBridge()).openFullSession(request, session, config);
    if ("refused" in opened) return responseForError(opened.refused, opened.superTokens);
    return { request, config, session: opened.session, superTokens: opened.superTokens };
  };

  return {
    async enter(request) {
      noteRequest(request);
      try {
        const { config, cors } = prepare();
        if (isPreflight(request)) {
          // Nothing started, nothing loaded: no recipe of its own, so the known list answers.
          if (!startedWith() && !superTokensNodeLoaded()) return preflightResponse(request, cors);
          const { allowedCorsHeaders } = await ensureSuperTokensStarted();
          return preflightResponse(request, { ...cors, allowedHeaders: allowedCorsHeaders });
        }
        if (options.methods && !options.methods.includes(request.method)) {
          const allow = options.methods.join(", ");
          const refused = errorResponse(405, `use ${allow} here`);
          refused.headers.set("allow", allow);
          return withCors(request, refused, cors);
        }
        if (!options.session) {
          // A handler without a session step serves SuperTokens' own routes (or calls its recipes).
          await ensureSuperTokensStarted();
          return { request, config, session: undefined };
        }
        const session = await sessionOptionsNow(options.session);
        const guarded = guardsRoles(session);
        const readsPermissions = options.readsPermissions === true || requiresPermissions(session);
        const opened = await openSession(request, session, config, {
          roles: guarded || readsPermissions,
          permissions: readsPermissions,
        });
        if (isHttpResponse(opened)) return withCors(request, opened, cors);
        const refused =
          opened.session && guarded
            ? await enforceRoleRequirements(opened.session, session, config, opened.earlyRoles)
            : undefined;
        if (!refused) return opened;
        // A refusal keeps the token the guard just rewrote: the client learns its current roles.
        const answer = opened.superTokens ? withCollected(refused, opened.superTokens.response) : refused;
        return withCors(request, answer, cors);
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

async function closeSession(entered: Entered, outcome: Outcome): Promise<HttpResponse> {
  const collected = entered.superTokens;
  if ("result" in outcome) {
    const response = await responseFromResult(outcome.result);
    return collected ? withCollected(response, collected.response) : response;
  }
  const response = await responseForError(outcome.error, collected);
  if (!collected) return response;
  // A session error already carries what SuperTokens collected; anything else keeps a token it issued.
  const fromSuperTokens =
    mayBeFromSuperTokens(outcome.error) &&
    (await loadSuperTokensBridge()).isErrorFromSuperTokens(outcome.error);
  return fromSuperTokens ? response : withCollected(response, collected.response);
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
