// What scripts/deploy-guard.cjs refuses, read from the service as Serverless resolved it.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

type Env = Record<string, string>;
const { problemsOf } = createRequire(import.meta.url)("../../scripts/deploy-guard.cjs") as {
  problemsOf(service: unknown, stage: string, localStages?: string[]): string[];
};

const DEPLOYED: Env = {
  API_DOMAIN: "https://api.example.com",
  WEBSITE_DOMAIN: "https://app.example.com",
  SUPERTOKENS_CONNECTION_URI: "https://core.example.com",
  SUPERTOKENS_API_KEY_PARAMETER: "/session-roles/prod/supertokens-api-key",
};
const service = (environment: Env, functionEnv: Env = {}) => ({
  provider: { environment },
  functions: { session: { environment: functionEnv } },
});

describe("the deploy guard", () => {
  it("passes real domains and an SSM parameter", () => {
    expect(problemsOf(service(DEPLOYED), "prod")).toEqual([]);
  });

  it("refuses an SMTP password in plain text, on any stage; a dynamic reference passes", () => {
    const plain = { ...DEPLOYED, SMTP_PASSWORD: "hunter2" };
    for (const stage of ["dev", "prod"])
      expect(problemsOf(service(plain), stage)).toEqual([
        "SMTP_PASSWORD would be written into the CloudFormation template in plain text; pass a {{resolve:secretsmanager:…}} reference as the smtpPassword param (README → Deploying)",
      ]);
    const reference = { ...DEPLOYED, SMTP_PASSWORD: "{{resolve:secretsmanager:session-roles/prod/smtp}}" };
    expect(problemsOf(service(reference), "prod")).toEqual([]);
  });

  it.each([
    "http://localhost:3000",
    "http://LOCALHOST",
    "https://api.localhost",
    "http://127.0.0.1:3000",
    "http://127.1.2.3",
    "http://[::1]:3000",
    "http://0.0.0.0:3000",
  ])("refuses %s outside the local stages, and allows it on dev", (url) => {
    const env = { ...DEPLOYED, API_DOMAIN: url };
    expect(problemsOf(service(env), "prod")).toEqual([
      `API_DOMAIN=${url} is a local address: export the deployed URL (https://…) before packaging (README → Deploying)`,
    ]);
    expect(problemsOf(service(env), "dev")).toEqual([]);
    expect(problemsOf(service(env), "staging", ["dev", "staging"])).toEqual([]);
  });

  it("reads a function's own environment over the provider's", () => {
    expect(problemsOf(service(DEPLOYED, { WEBSITE_DOMAIN: "http://localhost:3001" }), "prod")).toHaveLength(
      1,
    );
  });

  it("refuses a plain-text key on every stage; a CloudFormation reference passes", () => {
    const keyed = { ...DEPLOYED, SUPERTOKENS_API_KEY_PARAMETER: "", SUPERTOKENS_API_KEY: "abc123" };
    for (const stage of ["dev", "prod"])
      expect(problemsOf(service(keyed), stage)[0]).toMatch(/^SUPERTOKENS_API_KEY would be written into/);
    for (const reference of [
      "{{resolve:ssm:/session-roles/prod/supertokens-api-key}}",
      "{{resolve:secretsmanager:session-roles/prod:SecretString:apiKey}}",
    ])
      expect(problemsOf(service({ ...keyed, SUPERTOKENS_API_KEY: reference }), "prod")).toEqual([]);
  });

  it("refuses a key and a parameter together, and a parameter that is not a path", () => {
    const both = { ...DEPLOYED, SUPERTOKENS_API_KEY: "{{resolve:ssm:/k}}" };
    expect(problemsOf(service(both), "prod")).toEqual([
      "set SUPERTOKENS_API_KEY or SUPERTOKENS_API_KEY_PARAMETER, not both",
    ]);
    expect(problemsOf(service({ ...DEPLOYED, SUPERTOKENS_API_KEY_PARAMETER: "key" }), "prod")).toEqual([
      'SUPERTOKENS_API_KEY_PARAMETER must be an SSM parameter path starting with / (got "key")',
    ]);
  });

  it("refuses OUTBOX_FILE, http:// and trailing-slash domains outside the local stages, one line each", () => {
    const env = {
      ...DEPLOYED,
      OUTBOX_FILE: ".data/outbox.jsonl",
      API_DOMAIN: "http://api.example.com",
      WEBSITE_DOMAIN: "https://app.example.com/",
    };
    expect(problemsOf(service(env), "prod")).toEqual([
      "OUTBOX_FILE=.data/outbox.jsonl is for local stacks: no email would be sent and every reset link would go to the logs; unset it (README → Emails)",
      "API_DOMAIN=http://api.example.com: plain http, where browsers drop cross-site cookies (no Secure); use https:// (README → Deploying)",
      "WEBSITE_DOMAIN=https://app.example.com/: drop the trailing slash (the JWT authorizer's issuer would be …//auth and refuse every token) (README → Deploying)",
    ]);
    expect(problemsOf(service({ ...DEPLOYED, API_DOMAIN: "https://api.example.com/" }), "prod")).toEqual([
      "API_DOMAIN=https://api.example.com/: drop the trailing slash (the JWT authorizer's issuer would be …//auth and refuse every token) (README → Deploying)",
    ]);
    expect(problemsOf(service(env), "dev")).toEqual([]);
    // Unset ('' from serverless.yml) is fine.
    expect(problemsOf(service({ ...DEPLOYED, OUTBOX_FILE: "" }), "prod")).toEqual([]);
  });
});
