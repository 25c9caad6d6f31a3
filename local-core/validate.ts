// Request validation with valibot, reported with the real core's wording.
import * as v from "valibot";
import { badRequest, fieldInvalid, queryFieldMissing } from "./errors.ts";
import type { JsonObject } from "./state.ts";

export function parseBody<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw badRequest("Invalid Json Input");
  const result = v.safeParse(schema, body);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const key = issue.path?.[0]?.key;
  throw fieldInvalid(typeof key === "string" ? key : String(issue.expected ?? "body"));
}

export function queryParam(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null) throw queryFieldMissing(name);
  return value;
}

export function optionalQueryBoolean(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  if (value === "true") return true;
  if (value === "false") return false;
  throw badRequest(`Field name '${name}' must be a boolean in the GET request`);
}

export const jsonObject = v.custom<JsonObject>(
  (value) => typeof value === "object" && value !== null && !Array.isArray(value),
);
export const optionalString = v.optional(v.string());
export const optionalBoolean = v.optional(v.boolean());
