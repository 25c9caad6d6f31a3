import type { Context as LambdaContext } from "aws-lambda";
import { apigwV1 } from "../http/adapters/apigw-v1.ts";
import { adapterFor, type LambdaEvent, type LambdaResult } from "../http/adapters/lambda.ts";
import { netlifyV2 } from "../http/adapters/netlify-v2.ts";
import { errorResponse, type HttpResponse } from "../http/model.ts";
import { lambdaInvocation, netlifyInvocation } from "../observability/invocation.ts";
import { beginInvocation, endInvocation } from "../observability/lifecycle.ts";
import { createPipeline, type Entered, type Pipeline, type RequestHandler, runPipeline } from "./pipeline.ts";

export type LambdaHandler = (event: LambdaEvent, context?: LambdaContext) => Promise<LambdaResult>;
/** Netlify Functions v2 signature; only the context's `requestId` is read, so any value is accepted. */
export type NetlifyHandler = (request: Request, context?: unknown) => Promise<Response>;

/** How an entry point calls its handler once the pipeline let the request in. */
export type Handle = (entered: Entered, raw: unknown) => unknown;

/** An event no adapter reads is refused in the most common shape, since its own is unknown. */
const unsupported = () => apigwV1.encode(errorResponse(400, "unsupported event"));

/** Lambda: API Gateway v1/v2, Function URLs, ALB (both header modes), Netlify Functions v1. */
export function lambdaEntry(pipeline: Pipeline, handle: Handle): LambdaHandler {
  return async (event, context) => {
    const invocation = beginInvocation(lambdaInvocation(context), context);
    let status = 500;
    try {
      const adapter = adapterFor(event);
      if (!adapter) {
        status = 400;
        return unsupported();
      }
      const response: HttpResponse = await runPipeline(
        pipeline,
        () => adapter.decode(event),
        (entered) => handle(entered, event),
      );
      status = response.status;
      return adapter.encode(response) as LambdaResult;
    } finally {
      await endInvocation(invocation, status);
    }
  };
}

/** Netlify Functions v2: `(req: Request, context) => Response`. */
export function netlifyEntry(pipeline: Pipeline, handle: Handle): NetlifyHandler {
  return async (req, context) => {
    if (!netlifyV2.detect(req)) return netlifyV2.encode(errorResponse(400, "unsupported event"));
    const invocation = beginInvocation(netlifyInvocation(req, context));
    let status = 500;
    try {
      const response = await runPipeline(
        pipeline,
        () => netlifyV2.decode(req, context),
        (entered) => handle(entered, req),
      );
      status = response.status;
      return netlifyV2.encode(response);
    } finally {
      await endInvocation(invocation, status);
    }
  };
}

const plain =
  (handler: RequestHandler): Handle =>
  (entered, raw) =>
    handler(entered.request, raw);

/** Serves a handler that needs no session (SuperTokens' own routes) on every Lambda shape. */
export function lambdaHandler(handler: RequestHandler): LambdaHandler {
  return lambdaEntry(createPipeline({}), plain(handler));
}

/** Serves a handler that needs no session as a Netlify Functions v2 function. */
export function netlifyHandler(handler: RequestHandler): NetlifyHandler {
  return netlifyEntry(createPipeline({}), plain(handler));
}
