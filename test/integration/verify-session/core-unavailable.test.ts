// A core that cannot answer is a 503 within CORE_TIMEOUT_MS, never a hang, a 500 or "try refresh".
import type { SessionContainer } from "supertokens-node/recipe/session";
import { beforeAll, describe, expect, it } from "vitest";
import type { Target } from "../../helpers/events.ts";
import {
  authenticated,
  sessionTargets,
  withBreakableCore,
  withSignedInUser,
} from "../../helpers/session-client.ts";

const TIMEOUT_MS = 500;
/** Generous bound on one answer: the deadline plus supertokens-node's own work. */
const BOUND_MS = TIMEOUT_MS * 2 + 500;

const core = withBreakableCore(TIMEOUT_MS);
const user = withSignedInUser("header");

const ok = ({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() });
const promote = async ({ session }: { session: SessionContainer }) => {
  await session.mergeIntoAccessTokenPayload({ role: "editor" });
  return { role: "editor" };
};

async function timed(target: Target, method = "GET") {
  const started = performance.now();
  const reply = await target.call(authenticated(user, { method, path: "/x" }));
  return { reply, ms: performance.now() - started };
}

const verifiers = sessionTargets(ok);
const promoters = sessionTargets(promote);
/** One target per wrapper, for the slow (deadline) cases. */
const sample = (targets: Target[]) =>
  targets.filter((t) =>
    /^(API Gateway REST \(1\.0\) via verifySession|Lambda Function URL via middy|Netlify Functions v2)/.test(
      t.name,
    ),
  );

describe("before any key is cached", () => {
  it.each(verifiers)("$name: a stopped core is a 503, not try refresh token", async (target) => {
    await core.stop();
    const { reply, ms } = await timed(target);
    expect(reply.status, reply.body).toBe(503);
    expect(reply.json).toEqual({ message: "session service unavailable" });
    expect(ms).toBeLessThan(BOUND_MS);
  });
});

describe("with the signing keys cached", () => {
  beforeAll(async () => {
    expect((await timed(verifiers[0]!)).reply.status).toBe(200);
  });

  it.each(verifiers)(
    "$name: verifying needs no core, so a stopped core still answers 200",
    async (target) => {
      await core.stop();
      const { reply } = await timed(target);
      expect(reply.status, reply.body).toBe(200);
    },
  );

  it.each(promoters)(
    "$name: a payload change with the core stopped is a 503 in bounded time",
    async (target) => {
      await core.stop();
      const { reply, ms } = await timed(target, "POST");
      expect(reply.status, reply.body).toBe(503);
      expect(reply.json).toEqual({ message: "session service unavailable" });
      expect(ms).toBeLessThan(BOUND_MS);
    },
  );

  it.each(sample(promoters))(
    "$name: a core slower than CORE_TIMEOUT_MS is a 503 after the deadline",
    async (target) => {
      core.setDelay(TIMEOUT_MS * 6);
      const { reply, ms } = await timed(target, "POST");
      expect(reply.status, reply.body).toBe(503);
      expect(reply.json).toEqual({ message: "session service unavailable" });
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(BOUND_MS);
    },
  );

  it.each(
    sample(promoters).flatMap((target) =>
      (["500", "garbage"] as const).map((fault) => ({ ...target, fault })),
    ),
  )("$name: a core answering $fault is a 503", async ({ fault, ...target }) => {
    core.setFault(fault);
    const { reply } = await timed(target, "POST");
    expect(reply.status, reply.body).toBe(503);
    expect(reply.json).toEqual({ message: "session service unavailable" });
  });

  it.each(sample(promoters))("$name: works again once the core is back", async (target) => {
    const { reply } = await timed(target, "POST");
    expect(reply.status, reply.body).toBe(200);
  });
});
