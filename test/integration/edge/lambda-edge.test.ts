// The Lambda@Edge gate as it ships: dist-like bundle built by scripts/build-edge.ts with the settings baked
// in, run on Lambda's Node 22 (runtimes/) with CloudFront viewer-request events, its key set from the
// project's auth function against the local core.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEdge } from "../../../scripts/build-edge.ts";
import { tokenCases, userWithRoles, withAuthServer } from "../../helpers/edge.ts";
import { runNode } from "../../helpers/roles-cli.ts";
import { type Credentials, createSession, withSuperTokens } from "../../helpers/session-client.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
// Lambda's Node 22 from runtimes/, or the Node running this file when .ci/run's matrix runs it on 22 and 24.
const LAMBDA_NODE = process.versions.node.startsWith("20.")
  ? join(ROOT, "runtimes/node_modules/node22/bin/node")
  : process.execPath;
const RUNNER = join(ROOT, "test/integration/helpers/invoke-bundle.mjs");
const core = withSuperTokens();
const auth = withAuthServer();

let outDir: string;
let bundle: string;
let admin: Credentials;
let user: Credentials;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "lambda-edge-"));
  const built = await buildEdge({
    name: "admin-gate",
    outDir,
    env: {
      API_DOMAIN: auth.url,
      EDGE_GATE_RULES: "/admin/=admin;/paid/=subscriber",
      EDGE_SIGN_IN_PATH: "/login",
    },
  });
  bundle = built.file;
  admin = await userWithRoles("header", ["admin"]);
  user = await userWithRoles("header", ["user"]);
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** A CloudFront viewer-request event, headers in CloudFront's lower-case-keyed lists. */
function viewerRequest(uri: string, headers: Record<string, string> = {}, method = "GET", querystring = "") {
  const cfHeaders: Record<string, Array<{ key: string; value: string }>> = {
    host: [{ key: "Host", value: "d111111abcdef8.cloudfront.net" }],
  };
  for (const [name, value] of Object.entries(headers)) cfHeaders[name.toLowerCase()] = [{ key: name, value }];
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: "d111111abcdef8.cloudfront.net",
            distributionId: "EDFDVBD6EXAMPLE",
            eventType: "viewer-request",
            requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
          },
          request: { clientIp: "203.0.113.178", headers: cfHeaders, method, querystring, uri },
        },
      },
    ],
  };
}

/** Runs the events in order in one Node 22 process (one cold start), as Lambda would. */
async function invoke(
  events: unknown[],
): Promise<Array<{ result?: Record<string, unknown>; error?: string }>> {
  const { code, stdout, stderr } = await runNode([RUNNER, bundle], {
    node: LAMBDA_NODE,
    env: { PATH: process.env.PATH ?? "" },
    input: JSON.stringify(events.map((event) => ({ kind: "lambda", event }))),
  });
  if (code !== 0) throw new Error(`node 22 exited ${code}: ${stderr}`);
  return JSON.parse(stdout);
}

const PAGE = { Accept: "text/html,*/*;q=0.8" };
const bearer = (who: Credentials) => ({ Authorization: `Bearer ${who.accessToken}` });
const header = (result: Record<string, unknown> | undefined, name: string) =>
  (result?.headers as Record<string, Array<{ value: string }>> | undefined)?.[name]?.[0]?.value;

describe("Lambda@Edge viewer-request gate on Node 22", () => {
  it("is one ESM file exporting handler, with the settings baked in (no environment at the edge)", async () => {
    expect(await invoke([])).toEqual([]);
    const text = await readFile(bundle, "utf8");
    expect(text).toContain(auth.url);
    expect(text).not.toMatch(/process\.env|require\(/);
  });

  it("answers each case as the Netlify edge does", async () => {
    const go = viewerRequest("/admin/reports", { ...bearer(admin), "X-Extra": "kept" }, "GET", "x=1");
    const [allowed, forbiddenPage, forbiddenApi, signIn, noSession, otherRule, open] = await invoke([
      go,
      viewerRequest("/admin/", { ...PAGE, ...bearer(user) }),
      viewerRequest("/admin/data", bearer(user)),
      viewerRequest("/admin/", PAGE, "GET", "tab=2"),
      viewerRequest("/admin/data"),
      viewerRequest("/paid/", bearer(admin)),
      viewerRequest("/index.html"),
    ]);
    // Let through: CloudFront gets its own request object back, unchanged.
    expect(allowed?.result).toEqual(go.Records[0]!.cf.request);
    expect(forbiddenPage?.result).toMatchObject({ status: "403", statusDescription: "Forbidden" });
    expect(header(forbiddenPage?.result, "content-type")).toContain("text/html");
    expect(JSON.parse(String(forbiddenApi?.result?.body))).toMatchObject({ message: "invalid claim" });
    expect(signIn?.result).toMatchObject({ status: "302" });
    expect(header(signIn?.result, "location")).toBe(
      `/login?redirectToPath=${encodeURIComponent("/admin/?tab=2")}`,
    );
    expect(noSession?.result).toMatchObject({
      status: "401",
      body: JSON.stringify({ message: "unauthorised" }),
    });
    expect(otherRule?.result).toMatchObject({ status: "403" });
    expect(open?.result).toEqual(viewerRequest("/index.html").Records[0]!.cf.request);
  });

  it("a cookie split over several Cookie headers is read whole", async () => {
    const cookieUser = await userWithRoles("cookie", ["admin"]);
    const event = viewerRequest("/admin/");
    event.Records[0]!.cf.request.headers.cookie = [
      { key: "Cookie", value: "theme=dark" },
      { key: "Cookie", value: `sAccessToken=${cookieUser.accessToken}` },
    ];
    const [answer] = await invoke([event]);
    expect(answer?.result).toEqual(event.Records[0]!.cf.request);
  });

  it("refuses every forged, tampered, foreign-key and alg-none token of the corpus (401)", async () => {
    const cases = await tokenCases(
      core.url,
      user,
      await createSession("cookie"),
      await core.createApp("edge-lambda-other"),
    );
    const refused = cases.filter((test) => !/^valid|malformed Bearer, valid cookie/.test(test.what));
    const answers = await invoke(refused.map((test) => viewerRequest("/admin/", test.headers, test.method)));
    refused.forEach((test, i) => {
      expect(answers[i]?.result?.status, test.what).toBe("401");
    });
  });
});
