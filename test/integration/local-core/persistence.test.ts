import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Session from "supertokens-node/recipe/session";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalCore } from "../../../local-core/index.ts";
import { journalOf } from "../../../local-core/journal.ts";
import { loadState } from "../../../local-core/persistence.ts";
import { initSuperTokens } from "../../helpers/core.ts";
import { freePort } from "../../helpers/ports.ts";

const dir = mkdtempSync(join(tmpdir(), "local-core-"));
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
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
    expect(readFileSync(journalOf(file), "utf8")).not.toContain("password 123");
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

    // On disk: the snapshot and the journal appended since (its last line may be cut off by the kill).
    const saved = loadState(file)!;
    expect(saved.format).toBe(1);
    const again = await startCli(["--port", port, "--data", file]);
    try {
      const roles = (await (await fetch(`${again.url}/recipe/roles`)).json()) as { roles: string[] };
      expect(roles.roles.length).toBe(saved.apps.get("public")!.roles.size);
    } finally {
      await stop(again.child, "SIGTERM");
    }
  });
});

describe("--data writes", () => {
  const role = (url: string, name: string) =>
    fetch(`${url}/recipe/role`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ role: name, permissions: [] }),
    }).then((res) => res.json());

  it("append the changed records to a journal instead of rewriting the data file", async () => {
    const file = join(dir, "journal", "core.json");
    const core = await startLocalCore({ port: 0, dataFile: file });
    try {
      const snapshot = readFileSync(file, "utf8");
      for (let i = 0; i < 20; i++) await role(core.url, `journaled-${i}`);
      // The snapshot is untouched; each write added about one short line to the journal.
      expect(readFileSync(file, "utf8")).toBe(snapshot);
      const journal = readFileSync(journalOf(file), "utf8");
      expect(journal.split("\n").filter(Boolean).length).toBeLessThanOrEqual(20);
      expect(Buffer.byteLength(journal)).toBeLessThan(20 * 200);
      expect(journal).toContain("journaled-19");
      // What answered 200 is on disk: snapshot plus journal hold it.
      expect([...loadState(file)!.apps.get("public")!.roles.keys()]).toContain("journaled-19");
    } finally {
      await core.close();
    }
    // Closing folds the journal into the data file.
    expect(readFileSync(file, "utf8")).toContain("journaled-19");
    expect(readFileSync(journalOf(file), "utf8")).toBe("");
  });

  it("records changed in place (a session's payload and refresh, merged metadata) survive a restart from the journal", async () => {
    const file = join(dir, "in-place.json");
    const core = await startLocalCore({ port: 0, dataFile: file });
    let userId = "";
    let refreshToken = "";
    try {
      initSuperTokens({
        connectionURI: core.url,
        recipeList: [EmailPassword.init(), Session.init({ getTokenTransferMethod: () => "header" })],
      });
      const signUp = await EmailPassword.signUp("public", "in-place@example.com", "password 123");
      if (signUp.status !== "OK") throw new Error(signUp.status);
      userId = signUp.user.id;
      const session = await Session.createNewSessionWithoutRequestResponse("public", signUp.recipeUserId);
      await session.mergeIntoAccessTokenPayload({ step: 2 });
      const refreshed = await Session.refreshSessionWithoutRequestResponse(
        session.getAllSessionTokensDangerously().refreshToken!,
      );
      refreshToken = refreshed.getAllSessionTokensDangerously().refreshToken!;
      await fetch(`${core.url}/recipe/user/metadata`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId, metadataUpdate: { plan: "pro" } }),
      });
      const state = loadState(file)!.apps.get("public")!;
      expect(state.metadata.get(userId)).toEqual({ plan: "pro" });
      expect([...state.sessions.values()][0]?.userDataInJWT).toMatchObject({ step: 2 });
    } finally {
      // As after kill -9: nothing is folded in, the journal is all there is.
      await core.stop();
    }
    const again = await startLocalCore({ port: 0, dataFile: file });
    try {
      initSuperTokens({ connectionURI: again.url, recipeList: [EmailPassword.init(), Session.init()] });
      const refreshed = await Session.refreshSessionWithoutRequestResponse(refreshToken);
      expect(refreshed.getAccessTokenPayload()).toMatchObject({ step: 2 });
      const metadata = await fetch(`${again.url}/recipe/user/metadata?userId=${userId}`).then((res) =>
        res.json(),
      );
      expect(metadata).toEqual({ status: "OK", metadata: { plan: "pro" } });
    } finally {
      await again.close();
    }
  });

  it("creates a missing data directory and removes stale temp files at start", async () => {
    const nested = join(dir, "not", "there", "yet");
    const file = join(nested, "core.json");
    const core = await startLocalCore({ port: 0, dataFile: file });
    await core.close();
    const stale = [join(nested, ".core.json.999999.tmp"), join(nested, ".core.json.1.tmp")];
    for (const path of stale) writeFileSync(path, "half a save");
    const other = join(nested, "keep.tmp");
    writeFileSync(other, "not ours");
    const again = await startLocalCore({ port: 0, dataFile: file });
    await again.close();
    for (const path of stale) expect(existsSync(path), path).toBe(false);
    expect(existsSync(other)).toBe(true);
  });
});
