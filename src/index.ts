/**
 * What a function file needs, in one import: the entry points, their types and the response helpers.
 * Bundles keep only what a function uses (every module here is free of side effects at import).
 */
export type { Config as FunctionConfig } from "@netlify/functions";
export type { SessionContainer } from "supertokens-node/recipe/session";
export { type Config, runtimeConfig } from "./config/core.ts";
export { errorResponse, type HttpRequest, type HttpResponse, jsonResponse } from "./http/model.ts";
export type { PathParamsOf } from "./http/route-params.ts";
export { type SessionContext, sessionMiddleware } from "./session/middy.ts";
export {
  type SessionHandler,
  type SessionHandlerInput,
  type SessionOptions,
  type SessionRequest,
  verifySession,
  verifySessionNetlify,
} from "./session/verify-session.ts";
