import type { ALBEvent, ALBResult } from "aws-lambda";
import { isRecord } from "../decode.ts";
import { type PlatformAdapter, resultBase } from "./adapter.ts";
import { decodeAlbEvent, isAlbEvent, statusDescription } from "./alb.ts";

/** ALB with multi-value headers on: every Set-Cookie one entry of `set-cookie`. */
export const albMulti: PlatformAdapter<ALBEvent, ALBResult> = {
  name: "alb-multi",
  detect: (event) => isAlbEvent(event) && isRecord(event.multiValueHeaders),
  decode: decodeAlbEvent,
  encode(response) {
    const multi: Record<string, string[]> = {};
    for (const [name, value] of response.headers) multi[name] = [value];
    if (response.cookies.length > 0) multi["set-cookie"] = response.cookies;
    return {
      ...resultBase(response),
      statusDescription: statusDescription(response.status),
      multiValueHeaders: multi,
    };
  },
};
