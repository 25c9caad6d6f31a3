// Change tracking for the journal (journal.ts): the state's maps and sets note which records a request
// may have changed, so a save appends those records instead of rewriting the whole state.
// A record is "written" when it is set or deleted, and "read" when an object value was handed out (by
// `get` or iteration): the caller may change it in place, so the journal compares it with what it last
// wrote. Primitive values cannot change in place and are not noted when read.

/** Where a collection sits in the state: its app, its table and, for an inner map, the outer key. */
export interface Place {
  appId: string;
  table: string;
  outerKey?: string;
}

export type Tracked = TrackedMap<unknown> | TrackedSet;

/** The records noted since the journal last took them. */
export class Notes {
  written = new Map<Tracked, Set<string>>();
  read = new Map<Tracked, Set<string>>();

  note(kind: "written" | "read", collection: Tracked, key: string): void {
    const byCollection = this[kind];
    let keys = byCollection.get(collection);
    if (keys === undefined) {
      keys = new Set();
      byCollection.set(collection, keys);
    }
    keys.add(key);
  }

  /** Everything noted so far; the notes start empty again. */
  take(): { written: Map<Tracked, Set<string>>; read: Map<Tracked, Set<string>> } {
    const taken = { written: this.written, read: this.read };
    this.written = new Map();
    this.read = new Map();
    return taken;
  }

  /** Puts back what a failed save took, so the next save writes it. */
  restore(taken: { written: Map<Tracked, Set<string>>; read: Map<Tracked, Set<string>> }): void {
    for (const kind of ["written", "read"] as const)
      for (const [collection, keys] of taken[kind]) for (const key of keys) this.note(kind, collection, key);
  }
}

const isObject = (value: unknown): boolean => typeof value === "object" && value !== null;

/**
 * A Map that notes its records. `nested`: its values are maps (a table keyed twice, such as the email
 * index by tenant then email): those are tracked themselves, so handing one out notes nothing, and
 * storing one notes the whole bucket.
 */
export class TrackedMap<V> extends Map<string, V> {
  constructor(
    readonly notes: Notes,
    readonly place: Place,
    readonly nested: boolean,
    entries?: Iterable<readonly [string, V]>,
  ) {
    super();
    for (const [key, value] of entries ?? []) super.set(key, this.adopt(key, value));
  }

  /** An inner map stored here becomes a tracked one of this bucket (callers read it back with `get`). */
  private adopt(key: string, value: V): V {
    if (!this.nested || value instanceof TrackedMap || !(value instanceof Map)) return value;
    const place = { ...this.place, outerKey: key };
    return new TrackedMap(this.notes, place, false, value as Map<string, unknown>) as V;
  }

  private handedOut(key: string, value: V | undefined): void {
    if (!this.nested && isObject(value)) this.notes.note("read", this as Tracked, key);
  }

  /** The value without noting it: for the journal itself. */
  peek(key: string): V | undefined {
    return super.get(key);
  }

  override get(key: string): V | undefined {
    const value = super.get(key);
    this.handedOut(key, value);
    return value;
  }

  override set(key: string, value: V): this {
    this.notes.note("written", this as Tracked, key);
    return super.set(key, this.adopt(key, value));
  }

  override delete(key: string): boolean {
    const deleted = super.delete(key);
    if (deleted) this.notes.note("written", this as Tracked, key);
    return deleted;
  }

  override clear(): void {
    for (const key of super.keys()) this.notes.note("written", this as Tracked, key);
    super.clear();
  }

  override *entries(): MapIterator<[string, V]> {
    for (const [key, value] of super.entries()) {
      this.handedOut(key, value);
      yield [key, value];
    }
  }

  override *values(): MapIterator<V> {
    for (const [key, value] of super.entries()) {
      this.handedOut(key, value);
      yield value;
    }
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  override forEach(callback: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}

/** A Set of strings that notes additions and removals (its members are the records). */
export class TrackedSet extends Set<string> {
  constructor(
    readonly notes: Notes,
    readonly place: Place,
    members?: Iterable<string>,
  ) {
    super();
    for (const member of members ?? []) super.add(member);
  }

  override add(member: string): this {
    this.notes.note("written", this, member);
    return super.add(member);
  }

  override delete(member: string): boolean {
    const deleted = super.delete(member);
    if (deleted) this.notes.note("written", this, member);
    return deleted;
  }

  override clear(): void {
    for (const member of super.values()) this.notes.note("written", this, member);
    super.clear();
  }
}
