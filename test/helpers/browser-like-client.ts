// A small HTTP client that keeps cookies and the anti-csrf token like the SuperTokens frontend SDK.
export interface ClientResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** What a browser does with one Set-Cookie: keep the value, or drop the cookie when it is empty or expired. */
export function keepCookie(jar: Map<string, string>, line: string): void {
  const [pair = "", ...attributes] = line.split(";");
  const index = pair.indexOf("=");
  const name = pair.slice(0, index).trim();
  const value = pair.slice(index + 1).trim();
  const expires = attributes.find((part) => part.trim().toLowerCase().startsWith("expires="));
  const expired = expires !== undefined && new Date(expires.split("=")[1] ?? "").getTime() < Date.now();
  if (!value || expired) jar.delete(name);
  else jar.set(name, value);
}

export class BrowserLikeClient {
  readonly cookies = new Map<string, string>();
  antiCsrf: string | undefined;
  frontToken: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ClientResponse> {
    const sent = new Headers({ "st-auth-mode": "cookie", ...headers });
    if (body !== undefined) sent.set("content-type", "application/json");
    if (this.antiCsrf && method !== "GET" && !sent.has("anti-csrf")) sent.set("anti-csrf", this.antiCsrf);
    if (this.cookies.size > 0)
      sent.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) this.keepCookie(line);
    this.antiCsrf = response.headers.get("anti-csrf") ?? this.antiCsrf;
    this.frontToken = response.headers.get("front-token") ?? this.frontToken;
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: response.status, headers: response.headers, body: parsed };
  }

  private keepCookie(line: string): void {
    keepCookie(this.cookies, line);
  }

  signUp(email: string, password = "password123") {
    return this.request("POST", "/auth/signup", credentials(email, password));
  }

  signIn(email: string, password = "password123") {
    return this.request("POST", "/auth/signin", credentials(email, password));
  }

  /** The access token payload, read the way the frontend SDK reads it: from the front-token header. */
  payload(): Record<string, unknown> {
    if (!this.frontToken) throw new Error("no front-token yet");
    return JSON.parse(Buffer.from(this.frontToken, "base64").toString("utf8")).up;
  }
}

function credentials(email: string, password: string) {
  return {
    formFields: [
      { id: "email", value: email },
      { id: "password", value: password },
    ],
  };
}
