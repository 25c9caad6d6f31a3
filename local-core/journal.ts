// The data file as a snapshot plus an append-only journal (`<file>.log`): a save appends the records
// that changed (one JSON line each, fsynced) instead of rewriting the whole state, and the journal is
// folded into a new snapshot when it outgrows its limit, at start and at close. Loading replays the
// journal over the snapshot; replaying a record twice gives the same state.
import { constants, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import type { CoreConfigInput } from "./config.ts";
import { loadApp, NESTED_TABLES, type StoredApp, serializeState, TABLES } from "./snapshot.ts";
import type { AppState, CoreState, SigningKey } from "./state.ts";
import { bucket } from "./state.ts";
import { Notes, type Place, type Tracked, TrackedMap, TrackedSet } from "./tracked.ts";

export const journalOf = (file: string): string => `${file}.log`;

/** Past this many journal bytes (or the snapshot's size, if larger) the journal is folded in. */
const COMPACT_AT_BYTES = 8 * 1024 * 1024;

// Appends never follow a link planted at the journal's path.
const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
const TRUNCATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

interface Header {
  appId: string;
  config: CoreConfigInput;
  dynamicKeys: SigningKey[];
  staticKey: SigningKey;
}

/** A journal line: an app's header (`n`: a new app), its removal (`r`), or a record put (`v`) or deleted (`d`). */
interface Line {
  a: string;
  n?: 1;
  r?: 1;
  h?: Header;
  t?: string;
  k?: string[];
  v?: unknown;
  d?: 1;
}

const headerOf = (app: AppState): Header => ({
  appId: app.appId,
  config: app.config,
  dynamicKeys: app.dynamicKeys,
  staticKey: app.staticKey,
});

const NESTED = new Set<string>(NESTED_TABLES);
const PLAIN = new Set<string>(TABLES);
const VERIFIED = "verifiedEmails";

type Tables = Record<string, Map<string, unknown>>;
const tablesOf = (app: AppState): Tables => app as unknown as Tables;

/** Entries of a map without noting them (a tracked map's own iteration notes reads). */
const rawEntries = <V>(map: Map<string, V>): IterableIterator<[string, V]> => Map.prototype.entries.call(map);
const rawGet = <V>(map: Map<string, V>, key: string): V | undefined => Map.prototype.get.call(map, key);

const isObject = (value: unknown): value is object => typeof value === "object" && value !== null;

/** Snapshot plus journal, replayed; undefined when neither exists. A torn last line (a crash mid-append) is skipped. */
export function loadJournaled(
  file: string,
  readSnapshot: (text: string) => CoreState,
): CoreState | undefined {
  const snapshot = readIfPresent(file);
  const journal = readIfPresent(journalOf(file));
  if (snapshot === undefined && journal === undefined) return undefined;
  let state: CoreState;
  try {
    state = snapshot === undefined ? { format: 1, apps: new Map() } : readSnapshot(snapshot);
  } catch {
    throw new Error(`${file} is not a local core data file`);
  }
  if (journal === undefined) return state;
  const lines = journal.split("\n");
  // Every complete line ends with "\n": whatever follows the last one was cut off by a crash.
  lines.pop();
  for (const [index, text] of lines.entries()) {
    try {
      replay(state, JSON.parse(text) as Line);
    } catch {
      throw new Error(`${journalOf(file)}: line ${index + 1} is not a local core journal record`);
    }
  }
  return state;
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function replay(state: CoreState, line: Line): void {
  if (typeof line.a !== "string") throw new Error("no app");
  if (line.r === 1) {
    state.apps.delete(line.a);
    return;
  }
  if (line.h !== undefined) {
    const existing = state.apps.get(line.a);
    if (line.n === 1 || existing === undefined) state.apps.set(line.a, loadApp({ ...line.h } as StoredApp));
    else Object.assign(existing, line.h);
    return;
  }
  const app = state.apps.get(line.a);
  const [key, inner] = line.k ?? [];
  if (typeof line.t !== "string" || typeof key !== "string") throw new Error("no record");
  if (app === undefined) return;
  const deleted = line.d === 1;
  if (line.t === VERIFIED) {
    if (deleted) app.verifiedEmails.delete(key);
    else app.verifiedEmails.add(key);
    return;
  }
  if (!PLAIN.has(line.t) && !NESTED.has(line.t)) throw new Error(`unknown table ${line.t}`);
  const map = tablesOf(app)[line.t] as Map<string, unknown>;
  if (NESTED.has(line.t) && inner !== undefined) {
    const outer = map as Map<string, Map<string, unknown>>;
    if (deleted) outer.get(key)?.delete(inner);
    else bucket(outer, key).set(inner, line.v);
  } else if (deleted) map.delete(key);
  else map.set(key, NESTED.has(line.t) ? new Map(Object.entries(line.v as object)) : line.v);
}

async function appendDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, APPEND_FLAGS, 0o600);
  try {
    const { size } = await handle.stat();
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } catch (error) {
      // A half-written batch would sit in the middle of the journal: cut it off again.
      await handle.truncate(size).catch(() => undefined);
      throw error;
    }
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** What a save staged, applied once its lines are on disk. */
interface Batch {
  lines: string[];
  taken: ReturnType<Notes["take"]>;
  headers: Map<string, { app: AppState; json: string }>;
  seen: Array<[object, string]>;
}

export class Journal {
  readonly notes = new Notes();
  /** The JSON last saved for each object record: a record only read is saved again only if it differs. */
  private saved = new WeakMap<object, string>();
  /** Each app's header as last saved, and which app object it was (a re-created app is a new one). */
  private headers = new Map<string, { app: AppState; json: string }>();
  private journalBytes = 0;
  private snapshotBytes = 0;

  constructor(
    readonly file: string,
    private readonly state: CoreState,
    private readonly writeSnapshot: (file: string, text: string) => Promise<void>,
  ) {
    for (const [appId, app] of state.apps) this.adopt(appId, app);
  }

  /** Makes the app's tables tracked, in place (before the app is reachable by any request). */
  adopt(appId: string, app: AppState): void {
    const tables = tablesOf(app);
    const place = (table: string): Place => ({ appId, table });
    for (const table of [...TABLES, ...NESTED_TABLES]) {
      const map = tables[table] as Map<string, unknown>;
      if (!(map instanceof TrackedMap))
        tables[table] = new TrackedMap(this.notes, place(table), NESTED.has(table), map);
    }
    if (!(app.verifiedEmails instanceof TrackedSet))
      app.verifiedEmails = new TrackedSet(this.notes, place(VERIFIED), app.verifiedEmails);
  }

  /** Appends what changed since the last save; folds the journal in when it has grown too long. */
  async save(): Promise<void> {
    const batch = this.collect();
    if (batch.lines.length > 0) {
      const text = `${batch.lines.join("\n")}\n`;
      try {
        await appendDurably(journalOf(this.file), text);
      } catch (error) {
        this.notes.restore(batch.taken);
        throw error;
      }
      this.journalBytes += Buffer.byteLength(text);
    }
    this.headers = batch.headers;
    for (const [record, json] of batch.seen) this.saved.set(record, json);
    if (this.journalBytes > Math.max(COMPACT_AT_BYTES, this.snapshotBytes)) await this.compact();
  }

  /** Writes the whole state as the snapshot (atomically), then empties the journal. */
  async compact(): Promise<void> {
    const text = serializeState(this.state);
    const headers = new Map<string, { app: AppState; json: string }>();
    const seen: Array<[object, string]> = [];
    for (const [appId, app] of this.state.apps) {
      headers.set(appId, { app, json: JSON.stringify(headerOf(app)) });
      this.dump(appId, app, seen);
    }
    await this.writeSnapshot(this.file, text);
    const handle = await open(journalOf(this.file), TRUNCATE_FLAGS, 0o600);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await syncDirectory(dirname(this.file));
    this.snapshotBytes = Buffer.byteLength(text);
    this.journalBytes = 0;
    this.headers = headers;
    for (const [record, json] of seen) this.saved.set(record, json);
  }

  /** Lines for every record of `app` (a new app), and the JSON of its object records. */
  private dump(appId: string, app: AppState, seen: Array<[object, string]>, lines?: string[]): void {
    const tables = tablesOf(app);
    for (const table of TABLES)
      for (const [key, value] of rawEntries(tables[table] as Map<string, unknown>)) {
        if (isObject(value)) seen.push([value, JSON.stringify(value)]);
        lines?.push(this.line(appId, table, [key], value));
      }
    for (const table of NESTED_TABLES)
      for (const [key, inner] of rawEntries(tables[table] as Map<string, Map<string, unknown>>)) {
        for (const [, value] of rawEntries(inner))
          if (isObject(value)) seen.push([value, JSON.stringify(value)]);
        lines?.push(this.line(appId, table, [key], Object.fromEntries(rawEntries(inner))));
      }
    if (lines !== undefined)
      for (const member of app.verifiedEmails) lines.push(this.line(appId, VERIFIED, [member], 1));
  }

  private line(appId: string, table: string, keys: string[], value: unknown): string {
    const line: Line =
      value === undefined ? { a: appId, t: table, k: keys, d: 1 } : { a: appId, t: table, k: keys, v: value };
    return JSON.stringify(line);
  }

  /** The lines of one save, from the notes taken now: each record as it is at this moment. */
  private collect(): Batch {
    const taken = this.notes.take();
    const lines: string[] = [];
    const seen: Array<[object, string]> = [];
    const headers = new Map<string, { app: AppState; json: string }>();
    const fresh = new Set<string>();
    for (const [appId, app] of this.state.apps) {
      const header = headerOf(app);
      const json = JSON.stringify(header);
      const last = this.headers.get(appId);
      headers.set(appId, { app, json });
      if (last?.app === app) {
        if (last.json !== json) lines.push(JSON.stringify({ a: appId, h: header } satisfies Line));
        continue;
      }
      fresh.add(appId);
      this.adopt(appId, app);
      lines.push(JSON.stringify({ a: appId, n: 1, h: header } satisfies Line));
      this.dump(appId, app, seen, lines);
    }
    for (const appId of this.headers.keys())
      if (!this.state.apps.has(appId)) lines.push(JSON.stringify({ a: appId, r: 1 } satisfies Line));

    for (const [collection, keys] of taken.written) {
      const place = this.current(collection, fresh);
      if (place === undefined) continue;
      for (const key of keys) lines.push(this.recordLine(collection, place, key, seen));
    }
    for (const [collection, keys] of taken.read) {
      const place = this.current(collection, fresh);
      if (place === undefined || !(collection instanceof TrackedMap)) continue;
      const written = taken.written.get(collection);
      for (const key of keys) {
        if (written?.has(key)) continue;
        const value = collection.peek(key);
        if (!isObject(value)) continue;
        const json = JSON.stringify(value);
        if (this.saved.get(value) === json) continue;
        seen.push([value, json]);
        lines.push(this.line(place.appId, place.table, this.keysOf(place, key), value));
      }
    }
    return { lines, taken, headers, seen };
  }

  /** The collection's place, if it still belongs to a live app (and is not part of a new app's dump). */
  private current(collection: Tracked, fresh: Set<string>): Place | undefined {
    const { appId, table, outerKey } = collection.place;
    const app = this.state.apps.get(appId);
    if (app === undefined || fresh.has(appId)) return undefined;
    const owner = tablesOf(app)[table] as unknown;
    if (outerKey === undefined) return owner === collection ? collection.place : undefined;
    return owner instanceof Map && rawGet(owner as Map<string, unknown>, outerKey) === collection
      ? collection.place
      : undefined;
  }

  private keysOf(place: Place, key: string): string[] {
    return place.outerKey === undefined ? [key] : [place.outerKey, key];
  }

  private recordLine(collection: Tracked, place: Place, key: string, seen: Array<[object, string]>): string {
    const keys = this.keysOf(place, key);
    if (collection instanceof TrackedSet)
      return this.line(
        place.appId,
        place.table,
        keys,
        Set.prototype.has.call(collection, key) ? 1 : undefined,
      );
    const value = collection.peek(key);
    if (collection.nested && value instanceof Map)
      return this.line(place.appId, place.table, keys, Object.fromEntries(rawEntries(value)));
    if (isObject(value)) seen.push([value, JSON.stringify(value)]);
    return this.line(place.appId, place.table, keys, value);
  }
}
