// The data file's journal as loading reads it: records replayed over the snapshot in order, a last line
// cut off by a crash skipped, anything else that is not a record refused.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { journalOf } from "../../../local-core/journal.ts";
import { loadState } from "../../../local-core/persistence.ts";
import { serializeState } from "../../../local-core/snapshot.ts";
import { BASE_APP, Store } from "../../../local-core/store.ts";

const dir = mkdtempSync(join(tmpdir(), "journal-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dataFile(name: string, journal: string): Promise<string> {
  const file = join(dir, name);
  const store = await Store.create(undefined, {});
  store.app(BASE_APP)!.roles.set("kept", []);
  writeFileSync(file, serializeState(store.state));
  writeFileSync(journalOf(file), journal);
  return file;
}

const record = (line: object): string => `${JSON.stringify({ a: BASE_APP, ...line })}\n`;

describe("loading a journal", () => {
  it("replays puts and deletes in order, for plain, nested and set tables", async () => {
    const file = await dataFile(
      "replay.json",
      record({ t: "roles", k: ["a"], v: ["p"] }) +
        record({ t: "roles", k: ["kept"], d: 1 }) +
        record({ t: "userRoles", k: ["public", "u1"], v: ["a"] }) +
        record({ t: "emailIndex", k: ["public"], v: { "x@example.com": "u1" } }) +
        record({ t: "verifiedEmails", k: ["u1\u0000x@example.com"], v: 1 }) +
        record({ t: "metadata", k: ["__proto__"], v: { plan: "pro" } }),
    );
    const app = loadState(file)!.apps.get(BASE_APP)!;
    expect([...app.roles]).toEqual([["a", ["p"]]]);
    expect(app.userRoles.get("public")?.get("u1")).toEqual(["a"]);
    expect(app.emailIndex.get("public")?.get("x@example.com")).toBe("u1");
    expect(app.verifiedEmails.has("u1\u0000x@example.com")).toBe(true);
    expect(app.metadata.get("__proto__")).toEqual({ plan: "pro" });
    expect(Object.getPrototypeOf(app.metadata)).toBe(Map.prototype);
  });

  it("skips a last line cut off by a crash", async () => {
    const file = await dataFile(
      "torn.json",
      `${record({ t: "roles", k: ["whole"], v: [] })}{"a":"public","t":"ro`,
    );
    expect([...loadState(file)!.apps.get(BASE_APP)!.roles.keys()]).toEqual(["kept", "whole"]);
  });

  it("refuses a broken line before the last, or a record of an unknown table", async () => {
    const broken = await dataFile(
      "broken.json",
      `{"a":"public",\n${record({ t: "roles", k: ["x"], v: [] })}`,
    );
    expect(() => loadState(broken)).toThrow(/line 1 is not a local core journal record/);
    const unknown = await dataFile("unknown.json", record({ t: "constructor", k: ["x"], v: 1 }));
    expect(() => loadState(unknown)).toThrow(/line 1 is not a local core journal record/);
  });
});
