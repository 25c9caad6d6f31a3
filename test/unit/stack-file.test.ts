// .data/stack.json: where a running npm start serves, read by the roles CLI; a stale record is ignored.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readStackRecord, removeStackRecord, writeStackRecord } from "../../scripts/stack-file.ts";

const dir = mkdtempSync(join(tmpdir(), "session-roles-stack-file-"));
const file = join(dir, "stack.json");
const record = (pid: number) => ({
  pid,
  coreUrl: "http://127.0.0.1:4567",
  apiUrl: "http://localhost:4000",
  demoUrl: "http://localhost:4001",
});

afterEach(() => rmSync(file, { force: true }));

describe("the npm start record", () => {
  it("is read back while its process runs", () => {
    writeStackRecord(record(process.pid), file);
    expect(readStackRecord(file)).toEqual(record(process.pid));
  });

  it("is ignored once its process is gone (npm start killed), or when it is unreadable", () => {
    // 2^22 + 1 is above Linux's pid_max default range, so no process has it.
    writeStackRecord(record(4_194_305), file);
    expect(readStackRecord(file)).toBeUndefined();
    writeFileSync(file, "{not json");
    expect(readStackRecord(file)).toBeUndefined();
    expect(readStackRecord(join(dir, "missing.json"))).toBeUndefined();
  });

  it("is removed only by the process that wrote it", () => {
    writeStackRecord(record(process.pid), file);
    removeStackRecord(process.pid + 1, file);
    expect(existsSync(file)).toBe(true);
    removeStackRecord(process.pid, file);
    expect(existsSync(file)).toBe(false);
  });
});
