import { request as buildRequest, toHeaders } from "./decode.ts";
import { MAX_BODY_BYTES } from "./limits.ts";
import { BadRequestError, type HttpRequest, type HttpResponse } from "./model.ts";

/** Netlify Functions v2: a web Request in, a web Response out. */
export async function decodeWebRequest(req: Request): Promise<HttpRequest> {
  const url = new URL(req.url);
  const multiQuery: Record<string, string[]> = Object.create(null);
  for (const [name, value] of url.searchParams) {
    const values = multiQuery[name];
    if (values) values.push(value);
    else multiQuery[name] = [value];
  }
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BadRequestError("request body too large", 413);
  const body = req.body ? await req.text() : "";
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new BadRequestError("request body too large", 413);
  return buildRequest({
    method: req.method,
    path: url.pathname,
    multiQuery,
    headers: toHeaders(req.headers),
    body,
  });
}

export function encodeWebResponse(response: HttpResponse): Response {
  const headers = new Headers(response.headers);
  for (const cookie of response.cookies) headers.append("set-cookie", cookie);
  const noBody = response.status === 204 || response.status === 304;
  const body = response.isBase64Encoded ? Buffer.from(response.body, "base64") : response.body;
  return new Response(noBody ? null : body, { status: response.status, headers });
}

/** A web Response a handler returned, read back into the response model so cookies can be added. */
export async function decodeWebResponse(res: Response): Promise<HttpResponse> {
  const headers = new Headers();
  for (const [name, value] of res.headers) if (name !== "set-cookie") headers.append(name, value);
  return { status: res.status, headers, cookies: res.headers.getSetCookie(), body: await res.text() };
}
