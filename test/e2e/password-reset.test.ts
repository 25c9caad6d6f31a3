// Password reset and email verification against the built functions under sls offline and netlify
// functions:serve (the local stack of `npm start`): the emails land in the outbox file and in the
// server's output, and their links work against the stack. EMAIL_VERIFICATION=required; editor-only
// enforces it, session does not.
import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slsPassesOutbox } from "../../scripts/stack.ts";
import type { OutboxEntry } from "../../src/email/outbox.ts";
import { BrowserLikeClient } from "../helpers/browser-like-client.ts";
import { rolesCli } from "../helpers/roles-cli.ts";
import { type Stack, startStack } from "./helpers/stack.ts";

const WEBSITE = "http://localhost:3001";

const token = (link: string) => new URL(link).searchParams.get("token");

describe.each(["sls", "netlify"] as const)("emails under %s", (platform) => {
  const outboxFile = join(mkdtempSync(join(tmpdir(), "session-roles-e2e-outbox-")), "outbox.jsonl");
  const output: string[] = [];
  let stack: Stack;

  beforeAll(async () => {
    // Without it the sls functions would send these test emails through SuperTokens' service.
    if (platform === "sls" && !slsPassesOutbox())
      throw new Error("serverless.yml must pass OUTBOX_FILE (and EMAIL_VERIFICATION) to the functions");
    stack = await startStack({
      platform,
      outboxFile,
      websiteDomain: WEBSITE,
      env: { EMAIL_VERIFICATION: "required" },
      log: (line) => output.push(line),
    });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  async function mailFor(to: string): Promise<OutboxEntry[]> {
    const text = await readFile(outboxFile, "utf8").catch(() => "");
    return text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as OutboxEntry)
      .filter((entry) => entry.to === to);
  }

  /** Waits for the server to print the line (a function's stderr reaches us a moment later). */
  async function printed(line: string): Promise<boolean> {
    for (let tries = 0; tries < 40; tries++) {
      if (output.some((out) => out.includes(line))) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  it("password reset: the link goes to the outbox and the terminal, resets the password, ends old sessions", async () => {
    const email = `reset-${platform}-${Date.now()}@example.com`;
    const laptop = new BrowserLikeClient(stack.apiUrl);
    const signUp = await laptop.signUp(email, "old password 1");
    expect(signUp.status).toBe(200);
    const userId = (signUp.body as { user: { id: string } }).user.id;

    const anonymous = new BrowserLikeClient(stack.apiUrl);
    const requested = await anonymous.request("POST", "/auth/user/password/reset/token", {
      formFields: [{ id: "email", value: email }],
    });
    expect(requested).toMatchObject({ status: 200, body: { status: "OK" } });
    const [mail, ...more] = await mailFor(email);
    expect(more).toEqual([]);
    expect(mail).toMatchObject({ to: email, type: "password-reset" });
    expect(mail!.link).toMatch(/^http:\/\/localhost:3001\/reset-password\?token=[\w-]+&tenantId=public$/);
    expect(await printed(`outbox: password-reset for ${email}: ${mail!.link}`)).toBe(true);

    const reset = await anonymous.request("POST", "/auth/user/password/reset", {
      formFields: [{ id: "password", value: "new password 2" }],
      token: token(mail!.link),
    });
    expect(reset).toMatchObject({ status: 200, body: { status: "OK" } });

    expect((await new BrowserLikeClient(stack.apiUrl).signIn(email, "old password 1")).body).toMatchObject({
      status: "WRONG_CREDENTIALS_ERROR",
    });
    const fresh = new BrowserLikeClient(stack.apiUrl);
    expect((await fresh.signIn(email, "new password 2")).body).toMatchObject({
      status: "OK",
      user: { id: userId },
    });

    const refresh = await laptop.request("POST", "/auth/session/refresh");
    expect(refresh).toMatchObject({ status: 401, body: { message: "unauthorised" } });
    const held = await fetch(`${stack.coreUrl}/public/recipe/session/user?userId=${userId}`);
    expect(((await held.json()) as { sessionHandles: string[] }).sessionHandles).toHaveLength(1);
  });

  it("email verification: editor-only refuses the unverified editor until the emailed link is followed", async () => {
    const email = `verify-${platform}-${Date.now()}@example.com`;
    const user = new BrowserLikeClient(stack.apiUrl);
    expect((await user.signUp(email)).status).toBe(200);
    expect(user.payload()["st-ev"]).toMatchObject({ v: false });
    expect((await rolesCli(stack.coreUrl, "grant", email, "editor")).code).toBe(0);

    const refused = await user.request("GET", "/editor-only");
    expect(refused).toMatchObject({
      status: 403,
      body: { message: "invalid claim", claimValidationErrors: [{ id: "st-ev" }] },
    });
    // A function that does not ask for a verified email (no EmailVerification there) serves the user.
    expect((await user.request("GET", "/session")).status).toBe(200);

    const sent = await user.request("POST", "/auth/user/email/verify/token");
    expect(sent).toMatchObject({ status: 200, body: { status: "OK" } });
    const [mail] = await mailFor(email);
    expect(mail).toMatchObject({ to: email, type: "email-verification" });
    expect(mail!.link).toMatch(/^http:\/\/localhost:3001\/verify-email\?token=[\w-]+&tenantId=public$/);
    expect(await printed(`outbox: email-verification for ${email}: ${mail!.link}`)).toBe(true);

    // Followed on another device: no session there.
    const verified = await new BrowserLikeClient(stack.apiUrl).request("POST", "/auth/user/email/verify", {
      method: "token",
      token: token(mail!.link),
    });
    expect(verified).toMatchObject({ status: 200, body: { status: "OK" } });

    const allowed = await user.request("GET", "/editor-only");
    expect(allowed).toMatchObject({ status: 200, body: { message: "hello, editor" } });
    expect(user.payload()["st-ev"]).toMatchObject({ v: true });
  });
});
