// Helpers of the edge gate's tests: the project's auth function over HTTP (the gate fetches its public
// key set from it), the token corpus every edge must judge as getSession does, and a user per role.
import { createServer, type IncomingMessage } from "node:http";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll } from "vitest";
import { authRoutes } from "../../src/handlers/auth-routes.ts";
import { netlifyHandler } from "../../src/session/entry-points.ts";
import { FORGERY_KINDS, forgeries, otherAppToken } from "./forge.ts";
import { listenOnLoopback } from "./ports.ts";
import { type Credentials, createSession, uniqueEmail } from "./session-client.ts";

export interface AuthServer {
  /** http://127.0.0.1:<port>: the API_DOMAIN the gate is given. */
  url: string;
  /** Paths asked for since the start, in order. */
  paths: string[];
}

async function bodyOf(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length > 0 ? Buffer.concat(chunks) : undefined;
}

/** The auth function (its Netlify entry, the real one) on a free port for this file's tests. */
export function withAuthServer(): AuthServer {
  const served: AuthServer = { url: "", paths: [] };
  const auth = netlifyHandler(authRoutes);
  const server = createServer((request, response) => {
    void (async () => {
      served.paths.push(request.url ?? "");
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === "string") headers.set(name, value);
      const body = await bodyOf(request);
      const answer = await auth(
        new Request(`${served.url}${request.url}`, {
          method: request.method,
          headers,
          body: body && new Uint8Array(body),
        }),
        {} as never,
      );
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(Buffer.from(await answer.arrayBuffer()));
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  beforeAll(async () => {
    served.url = (await listenOnLoopback(server)).url;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return served;
}

/** A request's credentials as a client sends them: headers only (cookies in one Cookie header). */
export interface TokenCase {
  what: string;
  method: string;
  headers: Record<string, string>;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookie = (token: string) => ({ cookie: `sAccessToken=${token}` });

/** The cases a gate must judge as getSession judges them; `session` ones are a valid session. */
export async function tokenCases(
  coreUrl: string,
  header: Credentials,
  inCookie: Credentials,
  /** The connection URI of another app of the same core (`core.createApp`). */
  otherAppUrl: string,
): Promise<TokenCase[]> {
  const genuine = header.accessToken;
  const cases: TokenCase[] = [
    { what: "no token", method: "GET", headers: {} },
    { what: "valid Bearer", method: "GET", headers: bearer(genuine) },
    { what: "valid Bearer, POST", method: "POST", headers: bearer(genuine) },
    { what: "valid cookie", method: "GET", headers: cookie(inCookie.accessToken) },
    {
      what: "valid cookie, POST with anti-csrf",
      method: "POST",
      headers: { ...cookie(inCookie.accessToken), "anti-csrf": inCookie.antiCsrf ?? "" },
    },
    { what: "valid cookie, POST without anti-csrf", method: "POST", headers: cookie(inCookie.accessToken) },
    {
      what: "valid cookie, POST with a wrong anti-csrf",
      method: "POST",
      headers: { ...cookie(inCookie.accessToken), "anti-csrf": "wrong" },
    },
    {
      what: "access cookie twice",
      method: "GET",
      headers: { cookie: `sAccessToken=${inCookie.accessToken}; sAccessToken=${inCookie.accessToken}` },
    },
    {
      what: "access cookie, then its name again without a value",
      method: "GET",
      headers: { cookie: `sAccessToken=${inCookie.accessToken}; sAccessToken` },
    },
    {
      what: "access cookie under a percent-encoded name",
      method: "GET",
      headers: { cookie: `sAccess%54oken=${inCookie.accessToken}` },
    },
    {
      what: "legacy session cookie",
      method: "GET",
      headers: { cookie: `sAccessToken=${inCookie.accessToken}; sIdRefreshToken=x` },
    },
    {
      what: "malformed Bearer, valid cookie",
      method: "GET",
      headers: { ...bearer("a.b.c"), ...cookie(inCookie.accessToken) },
    },
    { what: "empty Bearer", method: "GET", headers: { authorization: "Bearer " } },
  ];
  for (const token of ["garbage", "a.b", "a.b.c", "!!!.???.***", `${genuine}.extra`])
    cases.push({ what: `malformed ${token.slice(0, 12)}`, method: "GET", headers: bearer(token) });
  const forged = await forgeries(genuine, coreUrl);
  if (new Set(forged.map((f) => f.kind)).size !== FORGERY_KINDS.length)
    throw new Error("corpus lacks a kind");
  for (const { what, token } of forged) {
    cases.push({ what: `${what} (Bearer)`, method: "GET", headers: bearer(token) });
    cases.push({ what: `${what} (cookie)`, method: "GET", headers: cookie(token) });
  }
  const foreign = await otherAppToken(otherAppUrl, header.userId);
  cases.push({ what: "another app's token", method: "GET", headers: bearer(foreign) });
  return cases;
}

/** A session of a new user holding `roles` (their token carries them: created after the grant). */
export async function userWithRoles(mode: "header" | "cookie", roles: string[]): Promise<Credentials> {
  const userId = uniqueEmail("edge").replace(/@.*/, "");
  for (const role of roles) await UserRoles.addRoleToUser("public", userId, role);
  // The session recipe writes the user's roles into the new token (st-role), as at sign-in.
  return createSession(mode, userId);
}
