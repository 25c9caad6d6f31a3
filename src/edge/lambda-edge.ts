/**
 * Lambda@Edge viewer-request handler: the gate in front of CloudFront's cache. Lambda@Edge has no
 * environment variables, so scripts/build-edge.ts bakes the settings in (`EDGE_SETTINGS` below is replaced
 * by the build's environment). Answers the request (to let it go on, unchanged) or a response.
 */
import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from "aws-lambda";
import type { EdgeAnswer, EdgeRequest } from "./gate.ts";
import { gate } from "./gate.ts";
import { KeySet } from "./key-set.ts";
import { type GateVariable, gateSettings } from "./settings.ts";
import { gateFailure } from "./web.ts";

declare const EDGE_SETTINGS: Partial<Record<GateVariable, string>>;

let ready: { settings: ReturnType<typeof gateSettings>; keys: KeySet } | undefined;

function edgeRequest(request: CloudFrontRequest): EdgeRequest {
  return {
    method: request.method.toUpperCase(),
    path: request.uri,
    search: request.querystring ? `?${request.querystring}` : "",
    // CloudFront may split a header (Cookie above all) into several entries: read them as one.
    header: (name) => {
      const entries = request.headers[name];
      if (!entries || entries.length === 0) return undefined;
      return entries.map((entry) => entry.value).join(name === "cookie" ? "; " : ", ");
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
  try {
    if (!ready) {
      const settings = gateSettings((name) => EDGE_SETTINGS[name]);
      ready = { settings, keys: new KeySet(settings.keySetUrl) };
    }
    const answer = await gate(edgeRequest(request), ready.settings, ready.keys);
    return answer ? cloudFrontResponse(answer) : request;
  } catch (error) {
    console.error(`edge gate: ${(error as Error)?.message ?? error}`);
    return cloudFrontResponse(gateFailure());
  }
}
