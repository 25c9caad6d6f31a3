/**
 * The answer the core client gives supertokens-node: what its querier reads of a fetch `Response`
 * (`status`, `ok`, `statusText`, `headers.get`, `text()`, `json()`, `clone()`), on a buffered body,
 * without constructing the runtime's `Response` — the first touch of that global makes Node load
 * undici, 17-31 ms of a cold start (bench/COLD-START.md, cut 2). Like a `Response`, the body can be
 * read once (`clone()` first to read it again) and a null-body status reads as "".
 * It is not `instanceof Response`; `test/unit/core-fetch.test.ts` pins the contract.
 */
import { LightHeaders } from "../http/light-headers.ts";

/** As a Response decodes its body: UTF-8, a leading BOM dropped, malformed bytes as U+FFFD. */
const UTF8 = new TextDecoder();

export class CoreResponse {
  readonly type = "basic";
  readonly redirected = false;
  readonly body = null;
  readonly headers: Headers;
  #bodyUsed = false;

  constructor(
    readonly status: number,
    readonly statusText: string,
    headers: HeadersInit,
    readonly url: string,
    /** The whole body; empty for a null-body status. */
    readonly bytes: Buffer,
  ) {
    this.headers = new LightHeaders(headers);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get bodyUsed(): boolean {
    return this.#bodyUsed;
  }

  #consume(): Buffer {
    if (this.#bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.#bodyUsed = true;
    return this.bytes;
  }

  async text(): Promise<string> {
    return UTF8.decode(this.#consume());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#consume();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): CoreResponse {
    if (this.#bodyUsed) throw new TypeError("Response.clone: Body has already been consumed.");
    return new CoreResponse(this.status, this.statusText, this.headers, this.url, this.bytes);
  }
}

/** Typed as what `fetch` answers, for the hook that returns it in fetch's place. */
export function asFetchResponse(response: CoreResponse): Response {
  return response as unknown as Response;
}
