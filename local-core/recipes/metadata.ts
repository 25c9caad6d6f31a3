// UserMetadata recipe: a JSON object per user, updated by shallow merge (null deletes a key).
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import type { JsonObject } from "../state.ts";
import { jsonObject, parseBody, queryParam } from "../validate.ts";

function read(ctx: RequestContext): ResponseOf<"/recipe/user/metadata", "get"> {
  return { status: "OK", metadata: ctx.app.metadata.get(queryParam(ctx.query, "userId")) ?? {} };
}

/** Merged through a Map, so a key such as `__proto__` stays plain data (never a prototype). */
function merge(current: JsonObject, update: JsonObject): JsonObject {
  const merged = new Map(Object.entries(current));
  for (const [key, value] of Object.entries(update)) {
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  return Object.fromEntries(merged);
}

function update(ctx: RequestContext): ResponseOf<"/recipe/user/metadata", "put"> {
  const body = parseBody(v.object({ userId: v.string(), metadataUpdate: jsonObject }), ctx.body);
  const metadata = merge(ctx.app.metadata.get(body.userId) ?? {}, body.metadataUpdate);
  ctx.app.metadata.set(body.userId, metadata);
  ctx.store.changed();
  return { status: "OK", metadata };
}

function remove(ctx: RequestContext): ResponseOf<"/recipe/user/metadata/remove", "post"> {
  const body = parseBody(v.object({ userId: v.string() }), ctx.body);
  ctx.app.metadata.delete(body.userId);
  ctx.store.changed();
  return { status: "OK" };
}

export const metadataRoutes: Route[] = [
  route("/recipe/user/metadata", "get", read),
  route("/recipe/user/metadata", "put", update),
  route("/recipe/user/metadata/remove", "post", remove),
];
