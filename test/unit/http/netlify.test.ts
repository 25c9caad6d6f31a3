// Netlify Functions v2 codecs: web Request in, web Response out.
import { describe, expect, it } from "vitest";
import { netlifyV2 } from "../../../src/http/adapters/netlify-v2.ts";
import { BadRequestError, type HttpResponse } from "../../../src/http/model.ts";
import { decodeWebResponse } from "../../../src/http/results.ts";
import { NETLIFY_SITE, netlifyRequest } from "../../helpers/events.ts";

const decodeWebRequest = (request: Request) => netlifyV2.decode(request);
const encodeWebResponse = (response: HttpResponse) => netlifyV2.encode(response);

async function refusal(request: Request): Promise<number | undefined> {
  try {
    await decodeWebRequest(request);
    return undefined;
  } catch (error) {
    if (error instanceof BadRequestError) return error.status;
    throw error;
  }
}

describe("decodeWebRequest", () => {
  it("reads path parameters from Netlify's context.params, decoded once", async () => {
    const request = await netlifyV2.decode(netlifyRequest({ path: "/items/a%2Fb" }), {
      params: { id: "a%2Fb" },
    });
    expect(request.params).toEqual({ id: "a/b" });
  });

  it("decodes method, path, repeated query values, headers in any case, cookies and body", async () => {
    const request = await decodeWebRequest(
      netlifyRequest({
        method: "PATCH",
        path: "/items/42",
        query: { tag: ["a", "b c"], q: "x&y" },
        headers: { "X-Multi": ["one", "two"], AUTHORIZATION: "Bearer t" },
        cookies: { theme: "dark", lang: "en" },
        body: '{"a":1}',
      }),
    );
    expect(request).toMatchObject({
      method: "PATCH",
      path: "/items/42",
      stage: undefined,
      multiQuery: { tag: ["a", "b c"], q: ["x&y"] },
      query: { tag: "b c", q: "x&y" },
      cookies: { theme: "dark", lang: "en" },
      body: '{"a":1}',
    });
    expect(request.headers.get("x-multi")).toBe("one, two");
    expect(request.headers.get("authorization")).toBe("Bearer t");
  });

  it("refuses a declared body over 1 MiB with 413 before reading it", async () => {
    const request = new Request(`${NETLIFY_SITE}/`, {
      method: "POST",
      headers: { "content-length": String(2 * 1024 * 1024) },
      body: "small",
    });
    expect(await refusal(request)).toBe(413);
  });

  it("refuses a streamed body over 1 MiB with 413", async () => {
    const request = new Request(`${NETLIFY_SITE}/`, { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
    expect(await refusal(request)).toBe(413);
  });

  it("refuses headers over 32 KiB with 431", async () => {
    expect(await refusal(netlifyRequest({ headers: { "x-big": "y".repeat(33 * 1024) } }))).toBe(431);
  });
});

const expires = "Wed, 21 Oct 2037 07:28:00 GMT";
const cookies = [
  `sAccessToken=eyJ.a.b; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax`,
  `theme=dark; Path=/; Expires=${expires}; HttpOnly; SameSite=Strict`,
];

describe("encodeWebResponse", () => {
  it("appends each cookie as its own Set-Cookie", async () => {
    const answer: HttpResponse = {
      status: 200,
      headers: new Headers({ "front-token": "ft" }),
      cookies,
      body: "ok",
    };
    const response = encodeWebResponse(answer);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual(cookies);
    expect(response.headers.get("front-token")).toBe("ft");
    expect(await response.text()).toBe("ok");
  });

  it("sends no body with 204, and base64 bodies as their bytes", async () => {
    const empty = encodeWebResponse({ status: 204, headers: new Headers(), cookies, body: "" });
    expect(empty.body).toBeNull();
    expect(empty.headers.getSetCookie()).toEqual(cookies);
    const binary = encodeWebResponse({
      status: 200,
      headers: new Headers(),
      cookies: [],
      body: "AAEC/w==",
      isBase64Encoded: true,
    });
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });
});

describe("decodeWebResponse", () => {
  it("reads a handler's Response back with every cookie apart", async () => {
    const headers = new Headers({ "x-kind": "web" });
    for (const cookie of cookies) headers.append("set-cookie", cookie);
    const answer = await decodeWebResponse(new Response("made", { status: 201, headers }));
    expect(answer).toMatchObject({ status: 201, cookies, body: "made" });
    expect(answer.headers.get("x-kind")).toBe("web");
    expect(answer.headers.has("set-cookie")).toBe(false);
  });
});
