import { describe, expect, it } from "vitest";
import { withLocalCore } from "../../helpers/core.ts";

const core = withLocalCore();

const post = (path: string, body: string | undefined, method = "POST") =>
  fetch(`${core.url}${path}`, { method, headers: { "content-type": "application/json" }, body });

describe("malformed input to the local core", () => {
  it("answers 400 to invalid JSON", async () => {
    const res = await post("/recipe/role", "{not json", "PUT");
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("Invalid Json Input\n");
  });

  it("answers 400 naming the field for wrong types and missing fields", async () => {
    const wrongType = await post(
      "/public/recipe/session",
      JSON.stringify({ userId: 5, userDataInJWT: {}, userDataInDatabase: {} }),
    );
    expect(wrongType.status).toBe(400);
    expect(await wrongType.text()).toBe("Field name 'userId' is invalid in JSON input\n");

    const missing = await post("/recipe/session/verify", JSON.stringify({ doAntiCsrfCheck: false }));
    expect(await missing.text()).toBe("Field name 'accessToken' is invalid in JSON input\n");

    for (const body of ["[]", "null", "42", ""]) {
      expect((await post("/recipe/role/remove", body)).status).toBe(400);
    }
  });

  it("answers 400 to a missing query parameter", async () => {
    const res = await fetch(`${core.url}/recipe/session`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("Field name 'sessionHandle' is missing in GET request\n");
  });

  it("answers 413 to a body over 1 MiB", async () => {
    const big = JSON.stringify({ role: "r", permissions: ["x".repeat(1024 * 1024)] });
    const res = await post("/recipe/role", big, "PUT");
    expect(res.status).toBe(413);
  });

  it("answers 404 with the path for unknown endpoints and 405 for a wrong method", async () => {
    const missing = await fetch(`${core.url}/no/such/thing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: "no such endpoint: GET /no/such/thing" });
    expect((await fetch(`${core.url}/recipe/roles`, { method: "DELETE" })).status).toBe(405);
  });

  it("answers 400 for an unknown app or tenant", async () => {
    const res = await fetch(`${core.url}/appid-nope/recipe/roles`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("AppId or tenantId not found");
    expect((await fetch(`${core.url}/nope/recipe/user/roles?userId=x`)).status).toBe(400);
  });

  it("rejects access tokens that are not ours without failing", async () => {
    for (const accessToken of ["", "a.b.c", "x", `${Buffer.from("{}").toString("base64url")}.e30.sig`]) {
      const res = await post(
        "/recipe/session/verify",
        JSON.stringify({ accessToken, doAntiCsrfCheck: false }),
      );
      expect(await res.json()).toMatchObject({ status: "TRY_REFRESH_TOKEN" });
    }
  });

  it("keeps answering and keeps its state after all of that", async () => {
    const put = await post("/recipe/role", JSON.stringify({ role: "survivor", permissions: ["p"] }), "PUT");
    expect(await put.json()).toEqual({ status: "OK", createdNewRole: true });
    expect(await (await fetch(`${core.url}/recipe/roles`)).json()).toEqual({
      status: "OK",
      roles: ["survivor"],
    });
  });
});

describe("failure injection hooks", () => {
  it("delays, fails, answers garbage, stops and restarts on the same port", async () => {
    core.setFault("500");
    expect((await fetch(`${core.url}/hello`)).status).toBe(500);
    core.setFault("garbage");
    await expect((await fetch(`${core.url}/recipe/roles`)).json()).rejects.toThrow();
    core.setFault(null);

    core.setDelay(120);
    const started = Date.now();
    await fetch(`${core.url}/hello`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    core.setDelay(0);

    await core.stop();
    await expect(fetch(`${core.url}/hello`)).rejects.toThrow();
    await core.restart();
    expect(await (await fetch(`${core.url}/recipe/roles`)).json()).toEqual({
      status: "OK",
      roles: ["survivor"],
    });
    expect(core.requestCount).toBeGreaterThan(10);
  });
});
