import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Session from "supertokens-node/recipe/session";
import { afterAll, describe, expect, it } from "vitest";
import { initSuperTokens } from "../../helpers/core.ts";

const dir = mkdtempSync(join(tmpdir(), "local-core-"));
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Runs `local-core/cli.ts` like `npm run core` and waits for its one line. */
async function startCli(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "local-core/cli.ts", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  const lines = createInterface({ input: child.stdout! });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`core exited with ${code}`)));
  });
  expect(line).toMatch(/^local core listening on http:\/\/127\.0\.0\.1:\d+$/);
  return { child, url: line.replace("local core listening on ", "") };
}

const stop = (child: ChildProcess, signal: NodeJS.Signals): Promise<void> =>
  new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });

describe("--data persistence", () => {
  it("keeps users, sessions and signing keys across a restart", async () => {
    const file = join(dir, "core.json");
    const port = String(await freePort());
    const first = await startCli(["--port", port, "--data", file]);
    initSuperTokens({
      connectionURI: first.url,
      recipeList: [EmailPassword.init(), Session.init({ getTokenTransferMethod: () => "header" })],
    });
    const signUp = await EmailPassword.signUp("public", "keep@example.com", "password 123");
    if (signUp.status !== "OK") throw new Error(signUp.status);
    const session = await Session.createNewSessionWithoutRequestResponse("public", signUp.recipeUserId, {
      a: 1,
    });
    await stop(first.child, "SIGTERM");

    const second = await startCli(["--port", port, "--data", file]);
    try {
      const signIn = await EmailPassword.signIn("public", "keep@example.com", "password 123");
      expect(signIn.status === "OK" && signIn.user.id).toBe(signUp.user.id);
      const verified = await Session.getSessionWithoutRequestResponse(session.getAccessToken(), undefined, {
        checkDatabase: true,
      });
      expect(verified.getAccessTokenPayload().a).toBe(1);
      const refreshed = await Session.refreshSessionWithoutRequestResponse(
        session.getAllSessionTokensDangerously().refreshToken!,
      );
      expect(refreshed.getUserId()).toBe(signUp.user.id);
      expect(await SuperTokens.getUser(signUp.user.id)).toBeDefined();
    } finally {
      await stop(second.child, "SIGTERM");
    }
    expect(readFileSync(file, "utf8")).not.toContain("password 123");
  });

  it("a kill -9 during a burst of writes leaves a file the core can load", async () => {
    const file = join(dir, "burst.json");
    const port = String(await freePort());
    const { child, url } = await startCli(["--port", port, "--data", file]);
    const writes = Array.from({ length: 300 }, (_, i) =>
      fetch(`${url}/recipe/role`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ role: `role-${i}`, permissions: ["p".repeat(200)] }),
      }).catch(() => undefined),
    );
    await new Promise((r) => setTimeout(r, 150));
    await stop(child, "SIGKILL");
    await Promise.all(writes);

    const saved = JSON.parse(readFileSync(file, "utf8"));
    expect(saved.format).toBe(1);
    const again = await startCli(["--port", port, "--data", file]);
    try {
      const roles = (await (await fetch(`${again.url}/recipe/roles`)).json()) as { roles: string[] };
      expect(roles.roles.length).toBe(Object.keys(saved.apps.public.roles).length);
    } finally {
      await stop(again.child, "SIGTERM");
    }
  });
});
