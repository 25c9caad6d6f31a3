// Durable JSON snapshot: coalesced writes, each one atomic (temp file + fsync + rename + fsync dir).
// A request that changed state waits for a write that includes its change (`commit`), so whatever
// answered 200 is on disk, and a failed write fails exactly the requests it would have saved.
import { constants, readFileSync } from "node:fs";
import { type FileHandle, open, rename, rm, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { deserializeState } from "./snapshot.ts";
import type { CoreState } from "./state.ts";

export function loadState(file: string): CoreState | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return deserializeState(text);
  } catch {
    throw new Error(`${file} is not a local core data file`);
  }
}

/** Where a save is staged: next to the file, so the rename stays on one file system. */
export const tempFileOf = (file: string): string =>
  join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);

// Exclusive create that never follows a symlink: a link planted at the temp path is not written through.
const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

async function openTemp(temp: string): Promise<FileHandle> {
  try {
    return await open(temp, TEMP_FLAGS, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // A stale temp file (or a planted link): unlink removes the entry itself, never its target.
    await unlink(temp);
    return open(temp, TEMP_FLAGS, 0o600);
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = tempFileOf(file);
  const handle = await openTemp(temp);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const dirHandle = await open(dirname(file), "r");
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

interface Waiter {
  generation: number;
  resolve(): void;
  reject(error: unknown): void;
}

export class FilePersister {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  /** Bumped by every change; `written` is the newest generation known to be on disk. */
  private requested = 0;
  private written = 0;
  private waiters: Waiter[] = [];

  constructor(
    private readonly file: string,
    private readonly snapshot: () => string,
    private readonly debounceMs = 15,
  ) {}

  /** Marks state changed; many changes within the debounce window cost one write. */
  schedule(): void {
    this.requested += 1;
    this.startSoon();
  }

  /** Resolves once every change made so far is on disk; rejects if the write that carries it fails. */
  commit(): Promise<void> {
    const generation = this.requested;
    if (generation <= this.written) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ generation, resolve, reject });
      this.startSoon();
    });
  }

  /** Writes any pending change now. */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.start();
    return this.commit();
  }

  private startSoon(): void {
    if (this.timer !== undefined || this.writing !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, this.debounceMs);
  }

  private start(): void {
    if (this.writing !== undefined || this.written >= this.requested) return;
    const run = this.writeLoop();
    this.writing = run;
    void run.finally(() => {
      if (this.writing === run) this.writing = undefined;
    });
  }

  private async writeLoop(): Promise<void> {
    let failed = -1;
    // After a failure, only changes made since then get another attempt; the rest wait for the next change.
    while (this.written < this.requested && this.requested !== failed) {
      const generation = this.requested;
      try {
        await writeAtomically(this.file, this.snapshot());
      } catch (error) {
        failed = generation;
        console.error(`local core: could not save ${this.file}: ${(error as Error).message}`);
        this.settle(generation, error);
        continue;
      }
      this.written = generation;
      this.settle(generation);
    }
  }

  private settle(generation: number, error?: unknown): void {
    const due = this.waiters.filter((w) => w.generation <= generation);
    this.waiters = this.waiters.filter((w) => w.generation > generation);
    for (const waiter of due) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}
