import type { MiddlewareObj, Request as MiddyRequest } from "@middy/core";
import type { Context as LambdaContext } from "aws-lambda";
import type { SessionContainer } from "supertokens-node/recipe/session";
import type { Config } from "../config/core.ts";
import type { PlatformAdapter } from "../http/adapters/adapter.ts";
import { apigwV1 } from "../http/adapters/apigw-v1.ts";
import { adapterFor, type LambdaEvent, type LambdaResult } from "../http/adapters/lambda.ts";
import { errorResponse, type HttpResponse, isHttpResponse } from "../http/model.ts";
import { type Invocation, lambdaInvocation } from "../observability/invocation.ts";
import { beginInvocation, endInvocation } from "../observability/lifecycle.ts";
import type { SessionOptions } from "./guards.ts";
import type { Entered } from "./pipeline.ts";
import { pipelineFor, type SessionFor, type SessionRequest, sessionRequest } from "./verify-session.ts";

/**
 * What the middleware adds to the Lambda context for the handler; `session` may be undefined only
 * with `sessionRequired: false` (type it `SessionContext<SessionContainer | undefined>` there).
 */
export interface SessionContext<S extends SessionContainer | undefined = SessionContainer>
  extends LambdaContext {
  session: S;
  sessionRequest: SessionRequest;
  /** The function's config, read once per cold start. */
  config: Config;
}

type Req = MiddyRequest<LambdaEvent, unknown, unknown, SessionContext<SessionContainer | undefined>>;

/**
 * The same pipeline as `verifySession`, as a middy middleware:
 * `middy(handler).use(sessionMiddleware(options))`. The handler reads `context.session`.
 */
export function sessionMiddleware<O extends SessionOptions = Record<never, never>>(
  options?: O,
): MiddlewareObj<LambdaEvent, unknown, unknown, SessionContext<SessionFor<O>>> {
  const pipeline = pipelineFor(options);
  const entries = new WeakMap<Req, { adapter: PlatformAdapter; entered: Entered }>();
  // From `before` to the answer: middy has no hook around the handler to hold it in.
  const invocations = new WeakMap<Req, Invocation>();

  // Every way out (an early answer in `before`, `after`, `onError`) goes through here, once.
  const answer = async (
    req: Req,
    adapter: PlatformAdapter,
    response: HttpResponse,
  ): Promise<LambdaResult> => {
    req.response = adapter.encode(response) as LambdaResult;
    const invocation = invocations.get(req);
    invocations.delete(req);
    await endInvocation(invocation, response.status);
    return req.response as LambdaResult;
  };

  return {
    name: "session-roles",
    before: async (req) => {
      invocations.set(req, beginInvocation(lambdaInvocation(req.context), req.context));
      const adapter = adapterFor(req.event);
      if (!adapter) return answer(req, apigwV1, errorResponse(400, "unsupported event"));
      let entered: Entered | HttpResponse;
      try {
        entered = await pipeline.enter(await adapter.decode(req.event));
      } catch (error) {
        return answer(req, adapter, await pipeline.refuse(error));
      }
      if (isHttpResponse(entered)) return answer(req, adapter, entered);
      entries.set(req, { adapter, entered });
      req.context.session = entered.session as SessionFor<O>;
      req.context.sessionRequest = sessionRequest(entered.request);
      req.context.config = entered.config;
      return undefined;
    },
    after: async (req) => {
      const entry = entries.get(req);
      if (entry)
        await answer(req, entry.adapter, await pipeline.leave(entry.entered, { result: req.response }));
    },
    onError: async (req) => {
      const entry = entries.get(req);
      if (!entry) await answer(req, apigwV1, await pipeline.refuse(req.error));
      else await answer(req, entry.adapter, await pipeline.leave(entry.entered, { error: req.error }));
    },
  };
}
