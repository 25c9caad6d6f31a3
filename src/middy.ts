import type { MiddlewareObj, Request as MiddyRequest } from "@middy/core";
import type { Context as LambdaContext } from "aws-lambda";
import type { SessionContainer } from "supertokens-node/recipe/session";
import { responseForError } from "./errors.ts";
import { isPreflight, preflightResponse, withCors } from "./http/cors.ts";
import {
  decodeLambdaEvent,
  detectShape,
  encodeLambdaResult,
  type LambdaEvent,
  type LambdaResult,
  type LambdaShape,
} from "./http/lambda.ts";
import { errorResponse, type HttpRequest, type HttpResponse } from "./http/model.ts";
import { corsPolicy } from "./http/respond.ts";
import {
  closeSession,
  isOpenSession,
  type OpenSession,
  openSession,
  type SessionFor,
  type SessionOptions,
  type SessionRequest,
  sessionOptionsOf,
  sessionRequest,
} from "./verify-session.ts";

/**
 * What the middleware adds to the Lambda context for the handler; `session` may be undefined only
 * with `sessionRequired: false` (type it `SessionContext<SessionContainer | undefined>` there).
 */
export interface SessionContext<S extends SessionContainer | undefined = SessionContainer>
  extends LambdaContext {
  session: S;
  sessionRequest: SessionRequest;
}

type State = { shape: LambdaShape; request: HttpRequest; open?: OpenSession };
type Req = MiddyRequest<LambdaEvent, unknown, unknown, SessionContext<SessionContainer | undefined>>;

/**
 * The same verification as `verifySession`, as a middy middleware:
 * `middy(handler).use(sessionMiddleware(options))`. The handler reads `context.session`.
 */
export function sessionMiddleware<O extends SessionOptions = Record<never, never>>(
  options?: O,
): MiddlewareObj<LambdaEvent, unknown, unknown, SessionContext<SessionFor<O>>> {
  const verifyOptions = sessionOptionsOf(options);
  const states = new WeakMap<Req, State>();

  const finish = (req: Req, state: State, response: HttpResponse): LambdaResult => {
    const result = encodeLambdaResult(state.shape, withCors(state.request, response, corsPolicy()));
    req.response = result;
    return result;
  };

  return {
    name: "session-roles",
    before: async (req) => {
      const shape = detectShape(req.event);
      if (!shape) return encodeLambdaResult("apigw-v1", errorResponse(400, "unsupported event"));
      let request: HttpRequest;
      try {
        request = decodeLambdaEvent(shape, req.event as unknown as Record<string, unknown>);
      } catch (error) {
        return encodeLambdaResult(shape, await responseForError(error));
      }
      const state: State = { shape, request };
      states.set(req, state);
      if (isPreflight(request)) return finish(req, state, preflightResponse(request, corsPolicy()));
      const open = await openSession(request, verifyOptions);
      if (!isOpenSession(open)) return finish(req, state, open);
      state.open = open;
      req.context.session = open.session as SessionFor<O>;
      req.context.sessionRequest = sessionRequest(request);
      return undefined;
    },
    after: async (req) => {
      const state = states.get(req);
      if (!state?.open) return;
      finish(req, state, await closeSession(state.open, { result: req.response }));
    },
    onError: async (req) => {
      const state = states.get(req);
      if (!state) {
        req.response = encodeLambdaResult("apigw-v1", await responseForError(req.error));
        return;
      }
      const response = state.open
        ? await closeSession(state.open, { error: req.error })
        : await responseForError(req.error);
      finish(req, state, response);
    },
  };
}
