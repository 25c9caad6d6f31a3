/**
 * A `Headers` without undici. Node loads undici (~6.5 MiB of JavaScript, 17-31 ms of a cold start:
 * bench/COLD-START.md, cut 2) the first time anything touches the global `Headers`, `Request`,
 * `Response` or calls `fetch`; the request and response models only need a case-insensitive
 * multimap. This class behaves like the Fetch standard's `Headers` (guard "none") for everything the
 * models and supertokens-node use: the constructor (pairs, a record or another Headers), `append`,
 * `set`, `get`, `has`, `delete`, `getSetCookie`, `forEach` and iteration (names lower-cased and
 * sorted, values of one name joined with ", " — Cookie's with "; ", as Node's does — each Set-Cookie
 * on its own), and it throws the same `TypeError`s for names and values the standard refuses.
 * `test/unit/http/light-headers.test.ts` checks it against the runtime's class, operation by
 * operation. It is not `instanceof Headers`.
 */

/** RFC 9110 token characters: what a header name may hold. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** HTTP whitespace stripped from both ends of a value. */
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
/** What a (normalised) value may not hold: NUL, CR, LF, or anything that is not a byte. */
const FORBIDDEN_IN_VALUE = /[\0\r\n]|[^\0-\u00ff]/;

function headerName(name: unknown): string {
  const text = String(name);
  if (!TOKEN.test(text)) throw new TypeError(`Headers: invalid header name "${text.slice(0, 40)}"`);
  return text.toLowerCase();
}

function headerValue(value: unknown, name: string): string {
  const text = String(value).replace(EDGE_WHITESPACE, "");
  if (FORBIDDEN_IN_VALUE.test(text)) throw new TypeError(`Headers: invalid value for header "${name}"`);
  return text;
}

type Init = ConstructorParameters<typeof Headers>[0];

/** How the values of one name are combined; Node's Headers (undici) joins Cookie's with "; ". */
const joined = (name: string, values: readonly string[]) => values.join(name === "cookie" ? "; " : ", ");

export class LightHeaders implements Headers {
  /** Lower-case name → its values, in the order they were added. */
  readonly #values = new Map<string, string[]>();

  constructor(init?: Init) {
    if (init === undefined) return;
    if (init === null || typeof init !== "object")
      throw new TypeError("Headers: init must be a sequence of pairs, a record or a Headers");
    if (Symbol.iterator in init) {
      for (const pair of init as Iterable<Iterable<string>>) {
        const entry = typeof pair === "object" && pair !== null ? [...pair] : undefined;
        if (entry?.length !== 2) throw new TypeError("Headers: each header pair must be [name, value]");
        this.append(entry[0] as string, entry[1] as string);
      }
      return;
    }
    for (const [name, value] of Object.entries(init as Record<string, string>)) this.append(name, value);
  }

  append(name: string, value: string): void {
    const key = headerName(name);
    const normalised = headerValue(value, key);
    const values = this.#values.get(key);
    if (values) values.push(normalised);
    else this.#values.set(key, [normalised]);
  }

  set(name: string, value: string): void {
    const key = headerName(name);
    this.#values.set(key, [headerValue(value, key)]);
  }

  get(name: string): string | null {
    const key = headerName(name);
    const values = this.#values.get(key);
    return values ? joined(key, values) : null;
  }

  has(name: string): boolean {
    return this.#values.has(headerName(name));
  }

  delete(name: string): void {
    this.#values.delete(headerName(name));
  }

  getSetCookie(): string[] {
    return [...(this.#values.get("set-cookie") ?? [])];
  }

  /** The standard's "sort and combine": sorted names, one entry per name except Set-Cookie. */
  #sorted(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const name of [...this.#values.keys()].sort()) {
      const values = this.#values.get(name) ?? [];
      if (name === "set-cookie") for (const value of values) out.push([name, value]);
      else out.push([name, joined(name, values)]);
    }
    return out;
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.#sorted()) callback.call(thisArg, value, name, this);
  }

  entries(): HeadersIterator<[string, string]> {
    return this.#sorted()[Symbol.iterator]() as HeadersIterator<[string, string]>;
  }

  keys(): HeadersIterator<string> {
    return this.#sorted()
      .map(([name]) => name)
      [Symbol.iterator]() as HeadersIterator<string>;
  }

  values(): HeadersIterator<string> {
    return this.#sorted()
      .map(([, value]) => value)
      [Symbol.iterator]() as HeadersIterator<string>;
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return "Headers";
  }
}

/** Anything with the Headers methods the models call: ours, the runtime's, or another implementation. */
export function isHeadersLike(value: unknown): value is Headers {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Headers>;
  return (
    typeof candidate.get === "function" &&
    typeof candidate.set === "function" &&
    typeof candidate.append === "function" &&
    typeof candidate.delete === "function" &&
    typeof candidate.has === "function" &&
    typeof (candidate as Iterable<unknown>)[Symbol.iterator] === "function"
  );
}
