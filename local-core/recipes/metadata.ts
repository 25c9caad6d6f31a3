// UserMetadata recipe: a JSON object per user, updated by shallow merge (null deletes a key).
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import { jsonObject, parseBody, queryParam } from "../validate.ts";

function read(ctx: RequestContext): ResponseOf<"/recipe/user/metadata", "get"> {
  return { status: "OK", metadata: ctx.app.metadata[queryParam(ctx.query, "userId")] ?? {} };
}

function update(ctx: RequestContext): ResponseOf<"/recipe/user/metadata", "put"> {
  const body = parseBody(v.object({ userId: v.string(), metadataUpdate: jsonObject }), ctx.body);
  const metadata = { ...(ctx.app.metadata[body.userId] ?? {}) };
  for (const [key, value] of Object.entries(body.metadataUpdate)) {
    if (value === null) delete metadata[key];
    else metadata[key] = value;
  }
  ctx.app.metadata[body.userId] = metadata;
  ctx.store.changed();
  return { status: "OK", metadata };
}

function remove(ctx: RequestContext): ResponseOf<"/recipe/user/metadata/remove", "post"> {
  const body = parseBody(v.object({ userId: v.string() }), ctx.body);
  delete ctx.app.metadata[body.userId];
  ctx.store.changed();
  return { status: "OK" };
}

export const metadataRoutes: Route[] = [
  route("/recipe/user/metadata", "get", read),
  route("/recipe/user/metadata", "put", update),
  route("/recipe/user/metadata/remove", "post", remove),
];
