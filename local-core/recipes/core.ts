// Core-level endpoints: API version, hello, JWKS.
import type { ResponseOf } from "../cdi.ts";
import { publicJwk, verificationKeys } from "../keys.ts";
import { extraRoute, type RequestContext, type Route, route } from "../router.ts";

export const SUPPORTED_CDI_VERSIONS = ["3.0", "3.1", "4.0", "5.0", "5.1", "5.2", "5.3", "5.4"];

const apiVersion = (): ResponseOf<"/apiversion", "get"> => ({ versions: SUPPORTED_CDI_VERSIONS });

const jwks = (ctx: RequestContext): ResponseOf<"/.well-known/jwks.json", "get"> => ({
  keys: verificationKeys(ctx.app).map(publicJwk),
});

const recipeJwks = (ctx: RequestContext): ResponseOf<"/recipe/jwt/jwks", "get"> => ({
  status: "OK",
  keys: verificationKeys(ctx.app).map(publicJwk),
});

const hello = (): string => "Hello";

export const coreRoutes: Route[] = [
  route("/apiversion", "get", apiVersion),
  route("/.well-known/jwks.json", "get", jwks, { checkApiKey: false }),
  route("/recipe/jwt/jwks", "get", recipeJwks),
  extraRoute("GET", "/hello", hello, { tenant: true, checkApiKey: false }),
  extraRoute("GET", "/", hello, { tenant: true, checkApiKey: false }),
];
