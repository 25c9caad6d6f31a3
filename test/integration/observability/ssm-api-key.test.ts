// SUPERTOKENS_API_KEY_PARAMETER: the function reads the core's API key from SSM Parameter Store at
// run time, with the real AWS SDK v3 (the one the Lambda runtime carries), and caches it. AWS is not
// reachable from tests, so the SDK is pointed (AWS_ENDPOINT_URL_SSM) at a small local server that
// speaks SSM's GetParameter JSON protocol. The SuperTokens core and supertokens-node are real.
import { createServer } from "node:http";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.ts";
import { emailPasswordRecipe } from "../../../src/handlers/auth-recipes.ts";
import { updateRole } from "../../../src/handlers/update-role.ts";
import { initSuperTokens } from "../../../src/session/supertokens.ts";
import { verifySession } from "../../../src/session/verify-session.ts";
import { withLocalCore } from "../../helpers/core.ts";
import { readLambdaResult, restApiEvent } from "../../helpers/events.ts";
import { captureOutput } from "../../helpers/log-lines.ts";
import { listenOnLoopback } from "../../helpers/ports.ts";
import {
  authenticated,
  type Credentials,
  credentialsOf,
  submitCredentials,
  TEST_ROLES,
  uniqueEmail,
} from "../../helpers/session-client.ts";

const PARAMETER = "/session-roles/test/supertokens-api-key";
const CORE_KEY = "core-api-key-from-ssm-0123456789abcdef";
const STALE_KEY = "stale-api-key-before-rotation-0123456789";
const PASSWORD = "correct horse 1";

/** What the fake SSM answers next: a value, or an AWS error type. */
let ssmAnswer: { value: string } | { error: string } = { error: "AccessDeniedException" };
const ssmRequests: Array<{
  target: string;
  body: { Name?: string; WithDecryption?: boolean };
  signed: boolean;
}> = [];
const ssm = createServer((req, res) => {
  let text = "";
  req.on("data", (chunk) => {
    text += chunk;
  });
  req.on("end", () => {
    const body = JSON.parse(text || "{}");
    ssmRequests.push({
      target: String(req.headers["x-amz-target"]),
      body,
      signed: String(req.headers.authorization).startsWith("AWS4-HMAC-SHA256"),
    });
    res.setHeader("content-type", "application/x-amz-json-1.1");
    if ("error" in ssmAnswer) {
      res.statusCode = 400;
      return res.end(JSON.stringify({ __type: ssmAnswer.error, message: "denied by the test" }));
    }
    res.end(
      JSON.stringify({
        Parameter: {
          Name: body.Name,
          Type: "SecureString",
          Value: ssmAnswer.value,
          Version: 3,
          DataType: "text",
        },
      }),
    );
  });
});

const core = withLocalCore({ apiKey: CORE_KEY });
const output = captureOutput();
beforeEach(() => output.clear());

const update = verifySession(updateRole);

beforeAll(async () => {
  const { url: ssmUrl } = await listenOnLoopback(ssm);
  Object.assign(process.env, {
    SUPERTOKENS_CONNECTION_URI: core.url,
    SUPERTOKENS_API_KEY_PARAMETER: PARAMETER,
    AWS_ENDPOINT_URL_SSM: ssmUrl,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDTESTTESTTEST",
    AWS_SECRET_ACCESS_KEY: "test-secret-access-key",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
  });
  const config = loadConfig();
  expect(config.apiKey).toBeUndefined();
  initSuperTokens(config, [emailPasswordRecipe(config)]);
});

afterAll(async () => {
  output.stop();
  ssm.closeAllConnections();
  await new Promise((resolve) => ssm.close(resolve));
});

async function signUp(): Promise<{ status: number; credentials?: Credentials }> {
  const reply = await submitCredentials("signup", "header", uniqueEmail(), PASSWORD);
  return reply.status === 200
    ? { status: 200, credentials: credentialsOf(reply, "header") }
    : { status: reply.status };
}

function expectOneOutageLine(cause: string) {
  const errors = output.logs("ERROR");
  expect(errors, JSON.stringify(errors)).toHaveLength(1);
  expect(errors[0]).toMatchObject({ status: 503, cause, core_url: core.url });
}

describe("the API key read from SSM at run time", () => {
  it("a parameter the function may not read: 503 with one api-key-parameter line", async () => {
    ssmAnswer = { error: "AccessDeniedException" };
    expect((await signUp()).status).toBe(503);
    expectOneOutageLine("api-key-parameter");
    expect(output.logs("ERROR")[0]?.detail).toBe("AccessDeniedException");
  });

  it("a failed read is not cached; a key the core refuses is a 503 invalid-api-key, then read again", async () => {
    ssmAnswer = { value: STALE_KEY };
    expect((await signUp()).status).toBe(503);
    expectOneOutageLine("invalid-api-key");
  });

  it("the right key: every core call carries it; SSM is asked once, decrypting", async () => {
    ssmAnswer = { value: CORE_KEY };
    ssmRequests.length = 0;
    for (const [role, permissions] of Object.entries(TEST_ROLES))
      await UserRoles.createNewRoleOrAddPermissions(role, permissions);
    const first = await signUp();
    expect(first.status).toBe(200);
    const updated = readLambdaResult(
      await update(restApiEvent(authenticated(first.credentials!, { method: "POST", path: "/update-role" }))),
    );
    expect(updated.status, updated.body).toBe(200);
    expect(updated.json).toMatchObject({ role: "user", roles: ["user"] });
    expect((await signUp()).status).toBe(200);
    expect(ssmRequests).toEqual([
      { target: "AmazonSSM.GetParameter", body: { Name: PARAMETER, WithDecryption: true }, signed: true },
    ]);
    expect(output.logs("ERROR")).toEqual([]);
  });

  it("no line this file produced holds either key", () => {
    expect(output.all.length).toBeGreaterThan(0);
    for (const line of output.all) {
      expect(line.text).not.toContain(CORE_KEY);
      expect(line.text).not.toContain(STALE_KEY);
    }
  });
});
