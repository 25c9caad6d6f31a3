import type { Context as LambdaContext } from "aws-lambda";
import { responseForError } from "./errors.ts";
import {
  decodeLambdaEvent,
  detectShape,
  encodeLambdaResult,
  type LambdaEvent,
  type LambdaResult,
} from "./http/lambda.ts";
import { errorResponse } from "./http/model.ts";
import { decodeWebRequest, encodeWebResponse } from "./http/netlify.ts";
import { type RequestHandler, respond } from "./http/respond.ts";

export type LambdaHandler = (event: LambdaEvent, context?: LambdaContext) => Promise<LambdaResult>;
/** Netlify Functions v2 signature; the context is unused, so any value is accepted. */
export type NetlifyHandler = (request: Request, context?: unknown) => Promise<Response>;

/**
 * Serves a handler on Lambda: API Gateway v1/v2, Function URLs, ALB (both header modes) and
 * Netlify Functions v1, each answered in the form its event came in.
 */
export function lambdaHandler(handler: RequestHandler): LambdaHandler {
  return async (event) => {
    const shape = detectShape(event);
    if (!shape) return encodeLambdaResult("apigw-v1", errorResponse(400, "unsupported event"));
    try {
      const request = decodeLambdaEvent(shape, event as unknown as Record<string, unknown>);
      return encodeLambdaResult(shape, await respond(handler, request, event));
    } catch (error) {
      return encodeLambdaResult(shape, await responseForError(error));
    }
  };
}

/** Serves a handler as a Netlify Functions v2 function. */
export function netlifyHandler(handler: RequestHandler): NetlifyHandler {
  return async (req) => {
    if (!(req instanceof Request)) return encodeWebResponse(errorResponse(400, "unsupported event"));
    try {
      return encodeWebResponse(await respond(handler, await decodeWebRequest(req), req));
    } catch (error) {
      return encodeWebResponse(await responseForError(error));
    }
  };
}
