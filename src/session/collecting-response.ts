/**
 * supertokens-node's `CollectingResponse` (framework/custom), same fields and methods, with
 * `LightHeaders` in place of the runtime's `Headers`: the original's constructor touches the global
 * `Headers` (`typeof Headers`), which makes Node load undici on every function's first request
 * (bench/COLD-START.md, cut 2). supertokens-node only calls the BaseResponse methods below on it.
 */
import type { CollectingResponse as SuperTokensCollectingResponse } from "supertokens-node/framework/custom";
import { BaseResponse } from "supertokens-node/lib/build/framework/response";
import { LightHeaders } from "../http/light-headers.ts";

type CookieInfo = SuperTokensCollectingResponse["cookies"][number];

/** Either collecting response: this one, or supertokens-node's (which `auth`'s routes still use). */
export type AnyCollectingResponse = SuperTokensCollectingResponse | CollectingResponse;

export class CollectingResponse extends BaseResponse {
  statusCode = 200;
  readonly headers: Headers = new LightHeaders();
  readonly cookies: CookieInfo[] = [];
  body?: string;
  private responseSet = false;

  sendHTMLResponse = (html: string): void => {
    if (this.responseSet) return;
    this.headers.set("Content-Type", "text/html");
    this.body = html;
    this.responseSet = true;
  };

  setHeader = (key: string, value: string, allowDuplicateKey: boolean): void => {
    if (!allowDuplicateKey) this.headers.set(key, value);
    else if (!this.headers.get(key)?.includes(value)) this.headers.append(key, value);
  };

  removeHeader = (key: string): void => {
    this.headers.delete(key);
  };

  setCookie = (
    key: string,
    value: string,
    domain: string | undefined,
    secure: boolean,
    httpOnly: boolean,
    expires: number,
    path: string,
    sameSite: "strict" | "lax" | "none",
  ): void => {
    this.cookies.push({ key, value, domain, secure, httpOnly, expires, path, sameSite });
  };

  setStatusCode = (statusCode: number): void => {
    if (!this.responseSet) this.statusCode = statusCode;
  };

  sendJSONResponse = (content: unknown): void => {
    if (this.responseSet) return;
    this.headers.set("Content-Type", "application/json");
    this.body = JSON.stringify(content);
    this.responseSet = true;
  };
}
