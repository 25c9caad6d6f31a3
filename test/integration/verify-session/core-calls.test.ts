// What verifySession costs in core calls, read from the local core's request log.
import type { SessionContainer } from "supertokens-node/recipe/session";
import { beforeAll, describe, expect, it } from "vitest";
import {
  authenticated,
  sessionTargets,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const core = withSuperTokens();
const user = withSignedInUser("cookie");

const ok = ({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() });
const promote = async ({ session }: { session: SessionContainer }) => {
  await session.mergeIntoAccessTokenPayload({ role: "editor" });
  return { ok: true };
};
const verifiers = sessionTargets(ok);
const promoters = sessionTargets(promote);

describe("core calls per request", () => {
  beforeAll(async () => {
    // Warm-up: the first verification fetches the signing keys (JWKS) once per process.
    expect((await verifiers[0]!.call(authenticated(user, { path: "/" }))).status).toBe(200);
  });

  it.each(verifiers)("$name: verifying a session makes no core call", async (target) => {
    core.clearRequests();
    const reply = await target.call(authenticated(user, { path: "/" }));
    expect(reply.status, reply.body).toBe(200);
    expect(core.requests.map((request) => request.path)).toEqual([]);
  });

  it.each(promoters)("$name: a payload change makes exactly one call, the regenerate", async (target) => {
    core.clearRequests();
    const reply = await target.call(authenticated(user, { method: "POST", path: "/" }));
    expect(reply.status, reply.body).toBe(200);
    expect(core.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /recipe/session/regenerate",
    ]);
  });
});
