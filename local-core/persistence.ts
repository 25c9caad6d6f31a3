// Durable JSON snapshot: coalesced writes, each one atomic (temp file + fsync + rename + fsync dir).
import { readFileSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { CoreState } from "./state.ts";

export function loadState(file: string): CoreState | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const state = JSON.parse(text) as CoreState;
  if (state?.format !== 1 || typeof state.apps !== "object")
    throw new Error(`${file} is not a local core data file`);
  return state;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.tmp`);
  const handle = await open(temp, "w", 0o600);
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
  const dirHandle = await open(dir, "r");
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

export class FilePersister {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => string,
    private readonly debounceMs = 15,
  ) {}

  /** Marks state changed; many calls within the debounce window cost one write. */
  schedule(): void {
    this.dirty = true;
    if (this.timer !== undefined || this.writing !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeLoop();
    }, this.debounceMs);
  }

  private async writeLoop(): Promise<void> {
    if (this.writing !== undefined) return this.writing;
    this.writing = (async () => {
      try {
        while (this.dirty) {
          this.dirty = false;
          await writeAtomically(this.file, this.snapshot());
        }
      } catch (error) {
        this.dirty = true;
        console.error(`local core: could not save ${this.file}: ${(error as Error).message}`);
      } finally {
        this.writing = undefined;
      }
    })();
    return this.writing;
  }

  /** Writes any pending change now. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.writing !== undefined) await this.writing;
    if (this.dirty) await this.writeLoop();
  }
}
