// A small HTTP client that keeps cookies and the anti-csrf token like the SuperTokens frontend SDK.
export interface ClientResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** How a request reaches the functions: over the network by default, or straight to a handler. */
export type Send = (request: Request) => Promise<Response>;

export class BrowserLikeClient {
  readonly cookies = new Map<string, string>();
  antiCsrf: string | undefined;
  frontToken: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly send: Send = (request) => fetch(request),
  ) {}

  /** `body` is sent as JSON; a string is sent as it is (to send what is not JSON). */
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
    const raw = typeof body === "string" || body === undefined ? body : JSON.stringify(body);
    const response = await this.send(
      new Request(new URL(path, this.baseUrl), { method, headers: sent, body: raw }),
    );
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

  /** What a browser does with one Set-Cookie: keep the value, or drop the cookie when it is empty or expired. */
  private keepCookie(line: string): void {
    const [pair = "", ...attributes] = line.split(";");
    const index = pair.indexOf("=");
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const expires = attributes.find((part) => part.trim().toLowerCase().startsWith("expires="));
    const expired = expires !== undefined && new Date(expires.split("=")[1] ?? "").getTime() < Date.now();
    if (!value || expired) this.cookies.delete(name);
    else this.cookies.set(name, value);
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
