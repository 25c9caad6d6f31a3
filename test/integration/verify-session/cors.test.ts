// CORS for the website (WEBSITE_DOMAIN) only: preflights, and the headers the SDK must read.
import type { SessionContainer } from "supertokens-node/recipe/session";
import { describe, expect, it } from "vitest";
import {
  authenticated,
  sessionTargets,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const WEBSITE = "http://localhost:3001";
withSuperTokens({ env: { WEBSITE_DOMAIN: WEBSITE } });
const user = withSignedInUser("cookie");

const promote = async ({ session }: { session: SessionContainer }) => {
  await session.mergeIntoAccessTokenPayload({ role: "editor" });
  return { ok: true };
};

const list = (value: string | null) => (value ?? "").split(",").map((item) => item.trim().toLowerCase());
const corsHeaders = (headers: Headers) =>
  [...headers.keys()].filter((name) => name.startsWith("access-control-"));

describe.each(sessionTargets(promote))("$name", (target) => {
  it("answers the website's preflight with 204, credentials and SuperTokens' request headers", async () => {
    const reply = await target.call({
      method: "OPTIONS",
      path: "/update-role",
      headers: {
        Origin: WEBSITE,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, rid, anti-csrf, st-auth-mode, fdi-version",
      },
    });
    expect(reply.status).toBe(204);
    expect(reply.body).toBe("");
    expect(reply.cookies).toEqual([]);
    expect(reply.headers.get("access-control-allow-origin")).toBe(WEBSITE);
    expect(reply.headers.get("access-control-allow-credentials")).toBe("true");
    expect(list(reply.headers.get("access-control-allow-methods"))).toEqual(expect.arrayContaining(["post"]));
    expect(list(reply.headers.get("access-control-allow-headers"))).toEqual(
      expect.arrayContaining([
        "content-type",
        "rid",
        "anti-csrf",
        "st-auth-mode",
        "fdi-version",
        "authorization",
      ]),
    );
  });

  it("exposes front-token, st-access-token, st-refresh-token and anti-csrf to the website", async () => {
    const reply = await target.call(
      authenticated(user, { method: "POST", path: "/update-role", headers: { Origin: WEBSITE } }),
    );
    expect(reply.status, reply.body).toBe(200);
    expect(reply.headers.get("access-control-allow-origin")).toBe(WEBSITE);
    expect(reply.headers.get("access-control-allow-credentials")).toBe("true");
    const exposed = list(reply.headers.get("access-control-expose-headers"));
    expect(exposed).toEqual(
      expect.arrayContaining(["front-token", "st-access-token", "st-refresh-token", "anti-csrf"]),
    );
    expect(new Set(exposed).size, "no header exposed twice").toBe(exposed.length);
  });

  it("gives another origin no CORS header, on the preflight and on the answer", async () => {
    const evil = "https://evil.example";
    const preflight = await target.call({
      method: "OPTIONS",
      path: "/update-role",
      headers: { Origin: evil, "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(corsHeaders(preflight.headers)).toEqual([]);
    const answer = await target.call(
      authenticated(user, { method: "POST", path: "/update-role", headers: { Origin: evil } }),
    );
    expect(answer.status, answer.body).toBe(200);
    expect(corsHeaders(answer.headers)).toEqual([]);
  });
});
