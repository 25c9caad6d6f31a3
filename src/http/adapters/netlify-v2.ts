import { isRecord, queryFromPairs, request, toHeaders } from "../decode.ts";
import { MAX_BODY_BYTES } from "../limits.ts";
import { BadRequestError } from "../model.ts";
import type { PlatformAdapter } from "./adapter.ts";

/**
 * Netlify Functions v2: a web Request in, a web Response out (each Set-Cookie its own header). The
 * path parameters are Netlify's `context.params` when the entry point passes the context, else the
 * path matched against the function's declared route (the same route Netlify matched).
 */
export const netlifyV2: PlatformAdapter<Request, Response> = {
  name: "netlify-v2",
  detect: (event) => event instanceof Request,
  async decode(req, context?: unknown) {
    const url = new URL(req.url);
    const declared = Number(req.headers.get("content-length") ?? 0);
    if (declared > MAX_BODY_BYTES) throw new BadRequestError("request body too large", 413);
    const body = req.body ? await req.text() : "";
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new BadRequestError("request body too large", 413);
    return request({
      method: req.method,
      path: url.pathname,
      multiQuery: queryFromPairs(url.searchParams),
      pathParameters: isRecord(context) && isRecord(context.params) ? context.params : undefined,
      headers: toHeaders(req.headers),
      body,
    });
  },
  encode(response) {
    const headers = new Headers(response.headers);
    for (const cookie of response.cookies) headers.append("set-cookie", cookie);
    const noBody = response.status === 204 || response.status === 304;
    const body = response.isBase64Encoded ? Buffer.from(response.body, "base64") : response.body;
    return new Response(noBody ? null : body, { status: response.status, headers });
  },
};
