import type { HttpRequest, HttpResponse } from "../model.ts";

/**
 * Everything one platform event shape needs, in one place: how to recognise its events, how to read
 * one into the request model, and how to write the response model in the form that shape expects.
 * A new shape is one more of these; nothing else knows any shape's quirks.
 */
export interface PlatformAdapter<Event = unknown, Result = unknown> {
  readonly name: string;
  detect(event: unknown): boolean;
  /**
   * Throws BadRequestError (a 4xx) for an event it cannot read. `context` is the platform's second
   * handler argument, for a shape that carries request data there (Netlify v2's `params`).
   */
  decode(event: Event, context?: unknown): HttpRequest | Promise<HttpRequest>;
  encode(response: HttpResponse): Result;
}

export function plainHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries(headers);
}

/** The fields every Lambda result has, whatever its shape. */
export function resultBase(response: HttpResponse) {
  return {
    statusCode: response.status,
    body: response.body,
    isBase64Encoded: response.isBase64Encoded === true,
  };
}
