/**
 * Where a running `npm start` serves: `.data/stack.json`, written once it is up and removed when it
 * stops. The roles CLI reads it, so it talks to the core `npm start` started (whatever its ports)
 * instead of guessing 127.0.0.1:3567, where another stack's core may answer.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const STACK_FILE = join(fileURLToPath(new URL("..", import.meta.url)), ".data", "stack.json");

export interface StackRecord {
  /** The `npm start` process: a record whose process is gone is stale and ignored. */
  pid: number;
  coreUrl: string;
  apiUrl: string;
  demoUrl: string;
}

export function writeStackRecord(record: StackRecord, file = STACK_FILE): void {
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** Removes the record if it is this process's (a second `npm start` that failed must not remove the first's). */
export function removeStackRecord(pid = process.pid, file = STACK_FILE): void {
  if (readStackRecord(file)?.pid === pid) rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running stack's record, or undefined when there is none, it is unreadable or its process is gone. */
export function readStackRecord(file = STACK_FILE): StackRecord | undefined {
  let record: Partial<StackRecord>;
  try {
    record = JSON.parse(readFileSync(file, "utf8")) as Partial<StackRecord>;
  } catch {
    return undefined;
  }
  if (typeof record.pid !== "number" || typeof record.coreUrl !== "string" || !alive(record.pid))
    return undefined;
  return record as StackRecord;
}
