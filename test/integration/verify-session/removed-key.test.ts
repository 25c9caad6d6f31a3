// Issue 26.1: a signing key the core removed is refused by the quick path exactly as getSession refuses
// it, and forged kids cost the core at most one key fetch per cooldown (src/edge/key-policy.ts).
// The key is removed the way an operator would: from the core's stored state, core restarted.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionContainer } from "supertokens-node/recipe/session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCore, startLocalCore } from "../../../local-core/index.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { forgetSigningKeys } from "../../../src/core-client/signing-keys.ts";
import { UNKNOWN_KID_COOLDOWN_MS } from "../../../src/edge/key-policy.ts";
import { apigwV2 } from "../../../src/http/adapters/apigw-v2.ts";
import { lambdaEntry } from "../../../src/session/entry-points.ts";
import { LightSession } from "../../../src/session/light-session.ts";
import { createPipeline } from "../../../src/session/pipeline.ts";
import { quickVerify } from "../../../src/session/quick-verify.ts";
import { httpApiEvent, readLambdaResult } from "../../helpers/events.ts";
import { kidOf, splitJwt } from "../../helpers/forge.ts";
import { authenticated, createSession, holding, startSuperTokens } from "../../helpers/session-client.ts";

let core: LocalCore;
let dir: string;
let dataFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "removed-key-"));
  dataFile = join(dir, "core.json");
  core = await startLocalCore({ port: 0, dataFile });
  await startSuperTokens(core.url);
  forgetSigningKeys();
});
afterAll(async () => {
  await core?.close();
  await rm(dir, { recursive: true, force: true });
});

const keyFetches = () => core.requests.filter((r) => r.path.endsWith("/.well-known/jwks.json")).length;
/** The token under another kid (its signature no longer matters: the kid is looked up first). */
const withKid = (token: string, kid: string) => {
  const [, payload, signature] = token.split(".");
  const header = Buffer.from(JSON.stringify({ ...splitJwt(token).header, kid })).toString("base64url");
  return `${header}.${payload}.${signature}`;
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Removes a dynamic key from the stored state and restarts the core on the same port (same URL). */
async function removeKey(kid: string): Promise<void> {
  await core.close();
  const state = JSON.parse(await readFile(dataFile, "utf8")) as {
    apps: Record<string, { dynamicKeys: Array<{ kid: string }> }>;
  };
  for (const app of Object.values(state.apps)) app.dynamicKeys = app.dynamicKeys.filter((k) => k.kid !== kid);
  await writeFile(dataFile, JSON.stringify(state));
  core = await startLocalCore({ port: core.port, dataFile });
}

let answeredBy: "quick" | "getSession" | undefined;
const pipelines = {
  quick: lambdaEntry(createPipeline({ session: {}, quickVerify: true }), ({ session }) => seen(session)),
  full: lambdaEntry(createPipeline({ session: {}, quickVerify: false }), ({ session }) => seen(session)),
};
function seen(session: SessionContainer | undefined) {
  answeredBy = session instanceof LightSession ? "quick" : "getSession";
  return { userId: session?.getUserId() };
}

/** The token through both pipelines: their statuses and bodies, and who answered in the quick one. */
async function both(token: string) {
  const event = () => httpApiEvent(authenticated(holding("header", token), { path: "/s" }));
  answeredBy = undefined;
  const quick = readLambdaResult(await pipelines.quick(event()));
  const quickBy = answeredBy;
  const full = readLambdaResult(await pipelines.full(event()));
  return {
    quick: { status: quick.status, body: quick.json },
    full: { status: full.status, body: full.json },
    quickBy,
  };
}

describe("a signing key the core removed", () => {
  it("is refused by the quick path as getSession refuses it, once a newer key has been seen", async () => {
    const old = await createSession("header", "removed-key-user");
    const warm = await both(old.accessToken);
    expect(warm.quick).toEqual(warm.full);
    expect(warm.quickBy).toBe("quick");

    await core.rotateSigningKeys();
    await removeKey(kidOf(old.accessToken));
    const fresh = await createSession("header", "removed-key-user");
    expect(kidOf(fresh.accessToken)).not.toBe(kidOf(old.accessToken));

    await pause(UNKNOWN_KID_COOLDOWN_MS + 100);
    const newer = await both(fresh.accessToken);
    expect(newer.quick).toEqual(newer.full);
    expect(newer.quick.status).toBe(200);

    const removed = await both(old.accessToken);
    expect(removed.quick).toEqual(removed.full);
    expect(removed.quick).toEqual({ status: 401, body: { message: "try refresh token" } });
    expect(removed.quickBy, "no handler ran").toBeUndefined();
    // The unknown kid made the quick path fetch the keys again: it answers the new key itself.
    expect(newer.quickBy).toBe("quick");
  });

  it("forged kids cost the core at most one key fetch per cooldown", async () => {
    const genuine = await createSession("header", "forged-kid-victim");
    const config = loadConfig();
    await pause(UNKNOWN_KID_COOLDOWN_MS + 100);
    const before = keyFetches();
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < 3 * UNKNOWN_KID_COOLDOWN_MS) {
      const token = withKid(genuine.accessToken, `d-forged-${sent}`);
      const request = await apigwV2.decode(
        httpApiEvent(authenticated(holding("header", token), { path: "/s" })),
      );
      expect(await quickVerify(request, config)).toBeUndefined();
      sent += 1;
    }
    const windows = Math.ceil((Date.now() - started) / UNKNOWN_KID_COOLDOWN_MS);
    const fetches = keyFetches() - before;
    expect(sent).toBeGreaterThan(fetches * 2);
    expect(fetches).toBeGreaterThanOrEqual(1);
    expect(fetches).toBeLessThanOrEqual(windows + 1);
  });
});
