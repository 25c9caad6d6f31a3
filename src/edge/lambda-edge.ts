/**
 * Lambda@Edge viewer-request handler: the gate in front of CloudFront's cache. Lambda@Edge has no
 * environment variables, so scripts/build-edge.ts bakes the settings in (`EDGE_SETTINGS` below is replaced
 * by the build's environment). Answers the request (to let it go on, unchanged) or a response.
 */
import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from "aws-lambda";
import { type EdgeAnswer, type EdgeRequest, gateRunner, joinedHeader } from "./gate.ts";
import { type GateVariable, gateSettings } from "./settings.ts";

declare const EDGE_SETTINGS: Partial<Record<GateVariable, string>>;

const run = gateRunner(() => gateSettings((name) => EDGE_SETTINGS[name]));

function edgeRequest(request: CloudFrontRequest): EdgeRequest {
  return {
    method: request.method.toUpperCase(),
    path: request.uri,
    search: request.querystring ? `?${request.querystring}` : "",
    // CloudFront may split a header (Cookie above all) into several entries: read them as one.
    header: (name) => {
      const entries = request.headers[name];
      if (!entries || entries.length === 0) return undefined;
      return joinedHeader(
        name,
        entries.map((entry) => entry.value),
      );
    },
  };
}

const statusText: Record<number, string> = {
  302: "Found",
  401: "Unauthorized",
  403: "Forbidden",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function cloudFrontResponse(answer: EdgeAnswer): CloudFrontResultResponse {
  const headers: CloudFrontResultResponse["headers"] = {};
  for (const [name, value] of Object.entries(answer.headers)) headers[name] = [{ key: name, value }];
  return {
    status: String(answer.status),
    statusDescription: statusText[answer.status] ?? "",
    headers,
    ...(answer.body === "" ? {} : { body: answer.body, bodyEncoding: "text" as const }),
  };
}

export async function handler(
  event: CloudFrontRequestEvent,
): Promise<CloudFrontRequest | CloudFrontResultResponse> {
  const request = event.Records[0]!.cf.request;
  const answer = await run(edgeRequest(request));
  return answer ? cloudFrontResponse(answer) : request;
}
