// CloudWatch metrics in the embedded metric format: what a request writes on stdout, one EMF line per
// invocation (plus a ColdStart line on the first): core call latency, role updates, 401/403/500/503
// counts. The environment is Lambda's (AWS_LAMBDA_FUNCTION_NAME, on-demand initialisation).
import type { Context } from "aws-lambda";
import type { SessionContainer } from "supertokens-node/recipe/session";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { updateRole } from "../../../src/handlers/update-role.ts";
import type { LambdaHandler } from "../../../src/session/entry-points.ts";
import { verifySession, verifySessionNetlify } from "../../../src/session/verify-session.ts";
import { healCoreAfterEach } from "../../helpers/core.ts";
import { functionUrlEvent, netlifyRequest, readLambdaResult, restApiEvent } from "../../helpers/events.ts";
import { captureOutput } from "../../helpers/log-lines.ts";
import {
  authenticated,
  middyHandler,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const FUNCTION = "session-roles-test-update-role";
const core = withSuperTokens({
  env: {
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION,
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    LOG_LEVEL: "DEBUG",
    CORE_TIMEOUT_MS: "500",
  },
});
const user = withSignedInUser("header");
healCoreAfterEach(core);

const output = captureOutput();
afterAll(() => output.stop());
beforeEach(() => output.clear());

const context = (id: string) =>
  ({
    awsRequestId: id,
    functionName: FUNCTION,
    getRemainingTimeInMillis: () => 9_000,
  }) as unknown as Context;

const update = verifySession(updateRole);

async function invoke(handler: LambdaHandler, spec: Parameters<typeof restApiEvent>[0], id = "req") {
  return readLambdaResult(await handler(restApiEvent(spec), context(id)));
}

/** The EMF lines written since the test began, checked against the format CloudWatch reads. */
function emf() {
  const lines = output.metrics();
  for (const line of lines) {
    const aws = line._aws as {
      Timestamp: number;
      CloudWatchMetrics: Array<{
        Namespace: string;
        Dimensions: string[][];
        Metrics: Array<{ Name: string }>;
      }>;
    };
    expect(typeof aws.Timestamp).toBe("number");
    const [directive] = aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe("SessionRoles");
    for (const dimension of directive?.Dimensions.flat() ?? []) expect(typeof line[dimension]).toBe("string");
    for (const metric of directive?.Metrics ?? []) expect(line[metric.Name]).toBeDefined();
  }
  return lines;
}

const names = (line: Record<string, unknown> | undefined) =>
  (
    line?._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }
  ).CloudWatchMetrics[0]!.Metrics.map((metric) => metric.Name);

describe("EMF lines per invocation", () => {
  it("the first invocation writes a ColdStart line, then the request's metrics: core latency, a role update", async () => {
    const reply = await invoke(update, authenticated(user, { method: "POST", path: "/update-role" }), "cold");
    expect(reply.status, reply.body).toBe(200);
    const [coldStart, request, ...rest] = emf();
    expect(rest).toEqual([]);
    expect(coldStart).toMatchObject({ ColdStart: 1, function_name: FUNCTION, service: "session-roles" });
    expect(names(request).sort()).toEqual(["CoreCallLatency", "RoleUpdates"]);
    expect(request?.RoleUpdates).toBe(1);
    const latencies = [request?.CoreCallLatency].flat();
    expect(latencies.length).toBeGreaterThanOrEqual(2);
    for (const ms of latencies) expect(ms).toEqual(expect.any(Number));
    // The log lines of that invocation say cold start too.
    expect(output.logs("DEBUG")[0]).toMatchObject({ cold_start: true, function_request_id: "cold" });
  });

  it("a warm invocation: no ColdStart, one line", async () => {
    expect((await invoke(update, authenticated(user, { method: "POST", path: "/update-role" }))).status).toBe(
      200,
    );
    expect(emf()).toHaveLength(1);
    expect(output.logs("DEBUG")[0]).toMatchObject({ cold_start: false });
  });

  it("counts a 401", async () => {
    expect((await invoke(update, { method: "POST", path: "/update-role" })).status).toBe(401);
    expect(emf()).toEqual([expect.objectContaining({ Http401: 1 })]);
  });

  it("counts a 403", async () => {
    const admin = verifySession(() => ({}), { requireRoles: ["admin"] });
    expect((await invoke(admin, authenticated(user, { path: "/admin" }))).status).toBe(403);
    const [line] = emf();
    expect(line).toMatchObject({ Http403: 1 });
    expect(names(line)).toContain("CoreCallLatency");
  });

  it("counts a 503, with the latency of the failed call", async () => {
    core.setFault("500");
    expect((await invoke(update, authenticated(user, { method: "POST", path: "/update-role" }))).status).toBe(
      503,
    );
    expect(emf()).toEqual([expect.objectContaining({ Http503: 1, CoreCallLatency: expect.any(Number) })]);
  });

  it("counts a 500", async () => {
    const broken = verifySession(({ session }: { session: SessionContainer }) => {
      throw new Error(`broken for ${session.getUserId()}`);
    });
    expect((await invoke(broken, authenticated(user, { path: "/x" }))).status).toBe(500);
    expect(emf()).toEqual([expect.objectContaining({ Http500: 1 })]);
  });

  it("flushes per invocation behind middy and on Netlify v2 too", async () => {
    const viaMiddy = middyHandler(updateRole as never);
    const event = functionUrlEvent(authenticated(user, { method: "POST", path: "/update-role" }));
    const reply = readLambdaResult(await viaMiddy(event as never, context("middy") as never));
    expect(reply.status, reply.body).toBe(200);
    expect(emf()).toEqual([expect.objectContaining({ RoleUpdates: 1 })]);
    output.clear();
    const netlify = verifySessionNetlify(updateRole);
    const response = await netlify(
      netlifyRequest(authenticated(user, { method: "POST", path: "/update-role" })),
    );
    expect(response.status).toBe(200);
    expect(emf()).toEqual([expect.objectContaining({ RoleUpdates: 1 })]);
  });
});
