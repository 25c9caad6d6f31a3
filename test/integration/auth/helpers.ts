// The auth flows as a browser sees them, in process: a cookie-keeping client that sends web
// Requests to the functions' Netlify v2 handlers, the outbox as a developer reads it, and the core.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll } from "vitest";
import type { OutboxEntry } from "../../../src/email/outbox.ts";
import { BrowserLikeClient } from "../../helpers/browser-like-client.ts";

export type FunctionHandler = (request: Request) => Promise<Response>;

const API = "http://localhost:3000";

/**
 * The cookie-keeping client of test/helpers/browser-like-client.ts, sending each web Request straight
 * to a function's handler; `route` picks the function for a path, as API Gateway or Netlify would.
 */
export class Browser extends BrowserLikeClient {
  constructor(route: (path: string) => FunctionHandler) {
    super(API, (request) => route(new URL(request.url).pathname)(request));
  }

  override signUp(email: string, password: string) {
    return this.request("POST", "/auth/signup", form({ email, password }), { rid: "emailpassword" });
  }

  override signIn(email: string, password: string) {
    return this.request("POST", "/auth/signin", form({ email, password }), { rid: "emailpassword" });
  }
}

/** SuperTokens' form body: `{ formFields: [{ id, value }] }`. */
export function form(fields: Record<string, string>) {
  return { formFields: Object.entries(fields).map(([id, value]) => ({ id, value })) };
}

/** The outbox file's entries, oldest first ([] before the first email). */
export async function readOutbox(file: string): Promise<OutboxEntry[]> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutboxEntry);
}

/** The outbox entries for `to`, oldest first. */
export async function mailFor(file: string, to: string): Promise<OutboxEntry[]> {
  return (await readOutbox(file)).filter((entry) => entry.to === to);
}

/** The `token` query parameter of an emailed link. */
export function tokenOf(link: string): string {
  const token = new URL(link).searchParams.get("token");
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

/**
 * What this process writes to stderr during the file, line by line, still written through: the
 * outbox's terminal lines are part of what a developer sees.
 */
export function captureStderr(): string[] {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  beforeAll(() => {
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      return write(chunk, ...rest);
    }) as typeof process.stderr.write;
  });
  afterAll(() => {
    process.stderr.write = write;
  });
  return lines;
}

/** GET on the core itself (the real core's API): what it holds, not what a function says. */
export async function coreGet(coreUrl: string, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${coreUrl}${path}`, { headers: { "cdi-version": "5.4" } });
  if (!response.ok) throw new Error(`core ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}
