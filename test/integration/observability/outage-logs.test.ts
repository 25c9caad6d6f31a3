// What an operator reads when the core fails: every 503 writes exactly one ERROR line that names its
// cause and the core, on every wrapper; every 500 writes one line too. Real core, real supertokens-node.
import type { Context } from "aws-lambda";
import type { SessionContainer } from "supertokens-node/recipe/session";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { updateRole } from "../../../src/handlers/update-role.ts";
import { verifySession, verifySessionNetlify } from "../../../src/session/verify-session.ts";
import { netlifyRequest, readLambdaResult, restApiEvent, type Target } from "../../helpers/events.ts";
import { captureOutput } from "../../helpers/log-lines.ts";
import {
  authenticated,
  sessionTargets,
  withBreakableCore,
  withSignedInUser,
} from "../../helpers/session-client.ts";

const TIMEOUT_MS = 500;
const core = withBreakableCore(TIMEOUT_MS);
const user = withSignedInUser("header");

const output = captureOutput();
afterAll(() => output.stop());
beforeEach(() => output.clear());

const promote = ({ session, config }: { session: SessionContainer; config: never }) =>
  updateRole({ session, config });
const verify = ({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() });

/** One target per wrapper: verifySession, middy, Netlify v2. */
const sample = (targets: Target[]) =>
  targets.filter((t) =>
    /^(API Gateway REST \(1\.0\) via verifySession|Lambda Function URL via middy|Netlify Functions v2)/.test(
      t.name,
    ),
  );

function expectOneOutageLine(cause: string, what: string) {
  const errors = output.logs("ERROR");
  expect(errors, `${what}: ${JSON.stringify(errors)}`).toHaveLength(1);
  expect(errors[0], what).toMatchObject({
    level: "ERROR",
    service: "session-roles",
    status: 503,
    cause,
    core_url: core.url,
  });
  expect(String(errors[0]?.message)).toMatch(/^session service unavailable: /);
  expect(typeof errors[0]?.timestamp).toBe("string");
}

describe("before the signing keys are cached", () => {
  it.each(sample(sessionTargets(verify)))(
    "$name: a stopped core is one connection-refused line",
    async (target) => {
      await core.stop();
      const reply = await target.call(authenticated(user, { path: "/session" }));
      expect(reply.status, reply.body).toBe(503);
      expectOneOutageLine("connection-refused", target.name);
    },
  );
});

describe("with the signing keys cached", () => {
  it("a request that succeeds writes nothing at the default LOG_LEVEL (INFO)", async () => {
    const [target] = sample(sessionTargets(verify));
    expect((await target!.call(authenticated(user, { path: "/session" }))).status).toBe(200);
    expect(output.lines).toEqual([]);
  });

  const causes: Array<[string, string, () => Promise<void> | void]> = [
    ["stopped", "connection-refused", () => core.stop()],
    ["slower than CORE_TIMEOUT_MS", "timeout", () => core.setDelay(TIMEOUT_MS * 4)],
    ["answering 500", "core-5xx", () => core.setFault("500")],
    ["answering garbage JSON", "malformed-answer", () => core.setFault("garbage")],
  ];
  for (const [name, cause, breakCore] of causes) {
    it.each(sample(sessionTargets(promote as never)))(
      `$name: a core ${name} is a 503 with exactly one ERROR line, cause ${cause}`,
      async (target) => {
        await breakCore();
        const reply = await target.call(authenticated(user, { method: "POST", path: "/update-role" }));
        expect(reply.status, reply.body).toBe(503);
        expectOneOutageLine(cause, target.name);
        expect(output.logs("ERROR")[0]?.core_path).toMatch(/^\/.*recipe\//);
      },
    );
  }

  it("the line carries the Lambda context: request id, function name, cold start", async () => {
    core.setFault("500");
    const context = {
      awsRequestId: "8f7e6d5c-1111-4222-8333-944445555666",
      functionName: "session-roles-prod-update-role",
      invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:session-roles-prod-update-role",
      memoryLimitInMB: "256",
      functionVersion: "$LATEST",
      getRemainingTimeInMillis: () => 9_000,
    } as unknown as Context;
    const reply = readLambdaResult(
      await verifySession(promote as never)(
        restApiEvent(authenticated(user, { method: "POST", path: "/update-role" })),
        context,
      ),
    );
    expect(reply.status).toBe(503);
    expectOneOutageLine("core-5xx", "with a Lambda context");
    expect(output.logs("ERROR")[0]).toMatchObject({
      function_request_id: context.awsRequestId,
      function_name: context.functionName,
      function_arn: context.invokedFunctionArn,
      cold_start: expect.any(Boolean),
    });
  });

  it("on Netlify v2, the line carries Netlify's request id (x-nf-request-id)", async () => {
    core.setFault("500");
    const request = netlifyRequest(
      authenticated(user, {
        method: "POST",
        path: "/update-role",
        headers: { "x-nf-request-id": "01JNETLIFYREQUESTID0000000" },
      }),
    );
    const response = await verifySessionNetlify(promote as never)(request);
    expect(response.status).toBe(503);
    expectOneOutageLine("core-5xx", "Netlify v2");
    expect(output.logs("ERROR")[0]?.function_request_id).toBe("01JNETLIFYREQUESTID0000000");
  });

  it("a handler that throws is a 500 with exactly one ERROR line", async () => {
    const [target] = sample(
      sessionTargets(() => {
        throw new Error("the handler broke");
      }),
    );
    const reply = await target!.call(authenticated(user, { path: "/session" }));
    expect(reply.status).toBe(500);
    const errors = output.logs("ERROR");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: "internal error",
      status: 500,
      where: "handler",
      error: { name: "Error", message: "the handler broke" },
    });
  });
});
