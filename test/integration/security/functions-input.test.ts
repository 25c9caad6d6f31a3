// What the audit found at the functions' door: an unknown tenant in /auth/<tenant>/… was a logged
// 500, and GET /update-role changed the token without the anti-CSRF proof a POST needs.
import { beforeAll, describe, expect, it } from "vitest";
import { httpApiEvent, type RequestSpec, readLambdaResult } from "../../helpers/events.ts";
import { captureOutput } from "../../helpers/log-lines.ts";
import { authenticated, signUp, withSuperTokens } from "../../helpers/session-client.ts";

withSuperTokens();

type LambdaFn = (event: unknown, context?: unknown) => Promise<unknown>;
let auth: LambdaFn;
let updateRole: LambdaFn;

beforeAll(async () => {
  // The function modules themselves, imported once the environment is set (as at a cold start).
  auth = (await import("../../../functions/auth.ts")).handler as LambdaFn;
  updateRole = (await import("../../../functions/update-role.ts")).handler as LambdaFn;
});

const call = async (fn: LambdaFn, spec: RequestSpec) =>
  readLambdaResult(await fn(httpApiEvent(spec, "$default")));

const signUpBody = (email: string) =>
  JSON.stringify({
    formFields: [
      { id: "email", value: email },
      { id: "password", value: "correct horse 1" },
    ],
  });

describe("an unknown tenant through /auth/<tenant>/…", () => {
  it.each(["nosuchtenant", "NOSUCH", "constructor", "__proto__"])(
    "/auth/%s/signup and /signin answer 404 JSON, and log no error",
    async (tenant) => {
      const output = captureOutput();
      try {
        for (const route of ["signup", "signin"]) {
          const reply = await call(auth, {
            method: "POST",
            path: `/auth/${tenant}/${route}`,
            headers: { "content-type": "application/json", rid: "emailpassword" },
            body: signUpBody(`tenant-${route}-${Date.now()}@example.com`),
          });
          expect(reply.status, reply.body).toBe(404);
          // `__proto__` is no tenant id SuperTokens routes at all: "no such auth route".
          expect(reply.json).toEqual({
            message:
              tenant === "__proto__" ? `no such auth route: POST /auth/${tenant}/${route}` : "unknown tenant",
          });
        }
        expect(output.logs("ERROR")).toEqual([]);
      } finally {
        output.stop();
      }
    },
  );
});

describe("a state-changing function answers only its method", () => {
  it("GET /update-role is a 405 naming POST, and does not touch the session", async () => {
    const user = await signUp("cookie");
    const get = await call(updateRole, authenticated(user, { method: "GET", path: "/update-role" }));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(get.json).toEqual({ message: "use POST here" });
    expect(get.cookies).toEqual([]);
    const post = await call(updateRole, authenticated(user, { method: "POST", path: "/update-role" }));
    expect(post.status, post.body).toBe(200);
  });

  it("a preflight for POST still gets its CORS answer", async () => {
    const reply = await call(updateRole, {
      method: "OPTIONS",
      path: "/update-role",
      headers: { origin: "http://localhost:3001", "access-control-request-method": "POST" },
    });
    expect(reply.status).toBe(204);
  });
});
