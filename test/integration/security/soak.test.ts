// Soak: 20,000 verified requests in one process, through every wrapper and shape, with a refused
// forged token every 25th request. The heap after GC must stay within 10% of its value after the
// first 1,000 requests (no per-request leak in decode, verification, cookies or the error path).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { algNone } from "../../helpers/forge.ts";
import {
  authenticated,
  type Credentials,
  createSession,
  sessionTargets,
  withSuperTokens,
} from "../../helpers/session-client.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const TOTAL = Number(process.env.SOAK_TOTAL ?? 20_000);
const WARMUP = 1_000;
const BATCH = 50;

const core = withSuperTokens();
let sessions: Credentials[] = [];
beforeAll(async () => {
  sessions = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      createSession(i % 2 === 0 ? "header" : "cookie", `soak-${process.pid}-${i}`),
    ),
  );
});

function heapAfterGc(): number {
  // The in-process local core keeps a log of the requests it answered (test infrastructure, bounded).
  core.clearRequests();
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe("soak", () => {
  it(
    `${TOTAL} verified requests: heap after GC stays within 10% of its value after ${WARMUP}`,
    { timeout: 120_000 },
    async () => {
      let handlerCalls = 0;
      const targets = sessionTargets((({ session }: { session: { getUserId(): string } }) => {
        handlerCalls += 1;
        return { userId: session.getUserId() };
      }) as never);
      const forged = algNone(sessions[0]!.accessToken);
      let sent = 0;
      let ok = 0;
      let refused = 0;
      let baseline = 0;
      let midway = 0;
      const started = performance.now();
      while (sent < TOTAL) {
        const batch = Array.from({ length: BATCH }, (_, i) => {
          const n = sent + i;
          const credentials = sessions[n % sessions.length]!;
          const target = targets[n % targets.length]!;
          const bad = n % 25 === 24;
          const spec = authenticated(bad ? { ...credentials, accessToken: forged } : credentials, {
            method: n % 3 === 0 ? "POST" : "GET",
            path: "/session",
            ...(n % 3 === 0 ? { body: JSON.stringify({ n }) } : {}),
          });
          return target.call(spec).then((reply) => {
            if (bad) {
              if (reply.status !== 401) throw new Error(`forged → ${reply.status}`);
              refused += 1;
            } else {
              if (reply.status !== 200) throw new Error(`${target.name} → ${reply.status} ${reply.body}`);
              ok += 1;
            }
          });
        });
        await Promise.all(batch);
        sent += BATCH;
        if (sent === WARMUP) baseline = heapAfterGc();
        if (sent === TOTAL / 2) midway = heapAfterGc();
      }
      const final = heapAfterGc();
      const seconds = (performance.now() - started) / 1000;
      const growth = (final - baseline) / baseline;
      console.log(
        JSON.stringify({
          soak: TOTAL,
          ok,
          refused,
          seconds: Number(seconds.toFixed(1)),
          perSecond: Math.round(TOTAL / seconds),
          heapAfterWarmupMiB: Number((baseline / 2 ** 20).toFixed(1)),
          heapMidwayMiB: Number((midway / 2 ** 20).toFixed(1)),
          heapFinalMiB: Number((final / 2 ** 20).toFixed(1)),
          growthPercent: Number((growth * 100).toFixed(2)),
        }),
      );
      expect(ok + refused).toBe(TOTAL);
      expect(handlerCalls).toBe(ok);
      expect(growth).toBeLessThan(0.1);
    },
  );
});
