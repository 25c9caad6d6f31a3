// A deadline that fits the Lambda: when the invocation has less time left than CORE_TIMEOUT_MS, a
// slow core still gets our 503 before the platform would end the invocation (which the client would
// see as API Gateway's 502/504 and the operator as a "Task timed out" with no cause).
import type { Context } from "aws-lambda";
import type { SessionContainer } from "supertokens-node/recipe/session";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { updateRole } from "../../../src/handlers/update-role.ts";
import { verifySession } from "../../../src/session/verify-session.ts";
import { functionUrlEvent, readLambdaResult, restApiEvent } from "../../helpers/events.ts";
import { captureOutput } from "../../helpers/log-lines.ts";
import {
  authenticated,
  middyHandler,
  withBreakableCore,
  withSignedInUser,
} from "../../helpers/session-client.ts";

const CORE_TIMEOUT_MS = 2_500;
const CORE_DELAY_MS = 3_000;
/** What the invocation has left when the request arrives: well under CORE_TIMEOUT_MS. */
const REMAINING_MS = 1_000;

const core = withBreakableCore(CORE_TIMEOUT_MS);
const user = withSignedInUser("header");
const output = captureOutput();
afterAll(() => output.stop());
beforeEach(() => output.clear());

/** A Lambda context whose clock runs like the real one: `remainingMs` from now. */
function contextEndingIn(remainingMs: number): { context: Context; endsAt: number } {
  const endsAt = Date.now() + remainingMs;
  const context = {
    awsRequestId: "11111111-2222-4333-8444-555555555555",
    functionName: "session-roles-prod-update-role",
    getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()),
  } as unknown as Context;
  return { context, endsAt };
}

const verify = verifySession(({ session }: { session: SessionContainer }) => ({
  userId: session.getUserId(),
}));
const update = verifySession(updateRole);

function expectTimedOut503(status: number, endsAt: number) {
  expect(status).toBe(503);
  // Answered while the invocation was still alive.
  expect(Date.now()).toBeLessThan(endsAt);
  const errors = output.logs("ERROR");
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({
    cause: "timeout",
    function_request_id: "11111111-2222-4333-8444-555555555555",
  });
}

describe(`a core slower than the ${REMAINING_MS} ms the invocation has left (CORE_TIMEOUT_MS ${CORE_TIMEOUT_MS})`, () => {
  it("verifying with no signing keys cached yet is a 503 in time", async () => {
    core.setDelay(CORE_DELAY_MS);
    const { context, endsAt } = contextEndingIn(REMAINING_MS);
    const reply = readLambdaResult(
      await verify(restApiEvent(authenticated(user, { path: "/session" })), context),
    );
    expectTimedOut503(reply.status, endsAt);
  });

  it("update-role (warm) is a 503 in time", async () => {
    expect(
      readLambdaResult(await verify(restApiEvent(authenticated(user, { path: "/session" })))).status,
    ).toBe(200);
    output.clear();
    core.setDelay(CORE_DELAY_MS);
    const { context, endsAt } = contextEndingIn(REMAINING_MS);
    const reply = readLambdaResult(
      await update(restApiEvent(authenticated(user, { method: "POST", path: "/update-role" })), context),
    );
    expectTimedOut503(reply.status, endsAt);
  });

  it("behind middy, whose context carries the remaining time, too", async () => {
    core.setDelay(CORE_DELAY_MS);
    const { context, endsAt } = contextEndingIn(REMAINING_MS);
    const viaMiddy = middyHandler(updateRole as never);
    const event = functionUrlEvent(authenticated(user, { method: "POST", path: "/update-role" }));
    const reply = readLambdaResult(await viaMiddy(event as never, context as never));
    expectTimedOut503(reply.status, endsAt);
  });

  it("with no time left for a core call, answers 503 at once without calling the core", async () => {
    core.clearRequests();
    const { context, endsAt } = contextEndingIn(100);
    const reply = readLambdaResult(
      await update(restApiEvent(authenticated(user, { method: "POST", path: "/update-role" })), context),
    );
    expectTimedOut503(reply.status, endsAt);
    expect(core.requests).toEqual([]);
  });
});
