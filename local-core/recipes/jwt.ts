// JWT recipe: signs arbitrary payloads with the app's key set (same JWKS as access tokens).
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { signJwt } from "../jwt.ts";
import { signingKeyFor } from "../keys.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import { jsonObject, optionalBoolean, parseBody } from "../validate.ts";

const CreateJwtBody = v.object({
  payload: jsonObject,
  algorithm: v.string(),
  jwksDomain: v.string(),
  validity: v.number(),
  useStaticSigningKey: optionalBoolean,
});

async function createJwt(ctx: RequestContext): Promise<ResponseOf<"/recipe/jwt", "post">> {
  const body = parseBody(CreateJwtBody, ctx.body);
  if (body.algorithm.toUpperCase() !== "RS256") return { status: "UNSUPPORTED_ALGORITHM_ERROR" };
  const iat = Math.floor(Date.now() / 1000);
  const key = await signingKeyFor(ctx.app, ctx.config, body.useStaticSigningKey !== false);
  const payload = { iss: body.jwksDomain, ...body.payload, iat, exp: iat + body.validity };
  return { status: "OK", jwt: signJwt({}, payload, key) };
}

export const jwtRoutes: Route[] = [route("/recipe/jwt", "post", createJwt)];
