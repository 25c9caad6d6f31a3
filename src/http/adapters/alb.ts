import type { ALBEvent } from "aws-lambda";
import { bodyText, headerPairs, isRecord, pathOf, queryFromMaps, request, toHeaders } from "../decode.ts";
import type { HttpRequest } from "../model.ts";

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** What the two ALB header modes share: the target-group context, and a status line in the answer. */
export function isAlbEvent(event: unknown): event is Record<string, unknown> {
  return (
    isRecord(event) &&
    isRecord(event.requestContext) &&
    isRecord(event.requestContext.elb) &&
    typeof event.httpMethod === "string" &&
    typeof event.path === "string"
  );
}

export function decodeAlbEvent(event: ALBEvent): HttpRequest {
  const raw = event as unknown as Record<string, unknown>;
  return request({
    method: raw.httpMethod,
    path: pathOf(raw.path),
    // ALB passes query strings through undecoded.
    multiQuery: queryFromMaps(raw.queryStringParameters, raw.multiValueQueryStringParameters, true),
    headers: toHeaders(headerPairs(raw.headers, raw.multiValueHeaders)),
    body: bodyText(raw.body, raw.isBase64Encoded),
  });
}

export function statusDescription(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? ""}`.trim();
}
