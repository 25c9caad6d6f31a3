// Durable saves: coalesced, each one on disk before the requests it carries are answered (journal.ts
// appends the changed records; the snapshot is written atomically: temp file + fsync + rename + fsync dir).
// A request that changed state waits for a write that includes its change (`commit`), so whatever
// answered 200 is on disk, and a failed write fails exactly the requests it would have saved.
import { constants, mkdirSync, readdirSync, unlinkSync } from "node:fs";
import { type FileHandle, open, rename, rm, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { loadJournaled } from "./journal.ts";
import { deserializeState } from "./snapshot.ts";
import type { CoreState } from "./state.ts";

/** The state in `file` (its snapshot and journal), or undefined when there is none yet. */
export function loadState(file: string): CoreState | undefined {
  return loadJournaled(file, deserializeState);
}

/**
 * Gets `file`'s directory ready: created if missing, and the temp files a killed core left (any pid)
 * removed. unlink removes a planted link itself, never its target.
 */
export function prepareDataDirectory(file: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const prefix = `.${basename(file)}.`;
  for (const name of readdirSync(dir))
    if (name.startsWith(prefix) && /^\d+\.tmp$/.test(name.slice(prefix.length))) unlinkSync(join(dir, name));
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

/** Replaces `file` with `text`: a crash leaves the old file or the new one, never half of one. */
export async function writeAtomically(file: string, text: string): Promise<void> {
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
    private readonly label: string,
    private readonly save: () => Promise<void>,
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

  /** Runs `task` once pending changes are saved, with no save running alongside it. */
  async exclusive(task: () => Promise<void>): Promise<void> {
    await this.flush();
    while (this.writing !== undefined) await this.writing.catch(() => undefined);
    const run = task();
    this.writing = run;
    try {
      await run;
    } finally {
      if (this.writing === run) this.writing = undefined;
      if (this.written < this.requested) this.startSoon();
    }
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
      // A commit that arrived after the loop's last check found it still running: it is due a write.
      if (this.waiters.length > 0) this.startSoon();
    });
  }

  private async writeLoop(): Promise<void> {
    let failed = -1;
    // After a failure, only changes made since then get another attempt; the rest wait for the next change.
    while (this.written < this.requested && this.requested !== failed) {
      const generation = this.requested;
      try {
        await this.save();
      } catch (error) {
        failed = generation;
        console.error(`local core: could not save ${this.label}: ${(error as Error).message}`);
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
