// SMTP_*: the reset email goes out through supertokens-node's SMTPService (nodemailer) to a real SMTP
// server on 127.0.0.1, authenticated with SMTP_USER / SMTP_PASSWORD, carrying the page's link.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listenOnLoopback } from "../../helpers/ports.ts";
import { uniqueEmail, withSuperTokens } from "../../helpers/session-client.ts";
import { Browser, captureStderr, type FunctionHandler, form } from "./helpers.ts";

interface Received {
  auth: string[];
  from: string;
  to: string[];
  data: string;
}

/** A mail catcher speaking just enough SMTP (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA) for nodemailer. */
function smtpServer(received: Received[]): Server {
  return createServer((socket) => {
    let mail: Received = { auth: [], from: "", to: [], data: "" };
    let buffer = "";
    let mode: "command" | "data" | "login-user" | "login-password" = "command";
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 catcher ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      while (true) {
        if (mode === "data") {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          mail.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          received.push(mail);
          mail = { auth: mail.auth, from: "", to: [], data: "" };
          mode = "command";
          reply("250 queued");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const decoded = () => Buffer.from(line, "base64").toString("utf8");
        if (mode === "login-user") {
          mail.auth.push(decoded());
          mode = "login-password";
          reply("334 UGFzc3dvcmQ6");
        } else if (mode === "login-password") {
          mail.auth.push(decoded());
          mode = "command";
          reply("235 authenticated");
        } else if (/^EHLO /i.test(line)) reply("250-catcher\r\n250 AUTH PLAIN LOGIN");
        else if (/^AUTH PLAIN /i.test(line)) {
          mail.auth.push(...Buffer.from(line.slice(11), "base64").toString("utf8").split("\0").slice(1));
          reply("235 authenticated");
        } else if (/^AUTH LOGIN/i.test(line)) {
          mode = "login-user";
          reply("334 VXNlcm5hbWU6");
        } else if (/^MAIL FROM:/i.test(line)) {
          mail.from = line.slice(10).replace(/[<>]/g, "").split(" ")[0]!;
          reply("250 ok");
        } else if (/^RCPT TO:/i.test(line)) {
          mail.to.push(line.slice(8).replace(/[<>]/g, ""));
          reply("250 ok");
        } else if (/^DATA$/i.test(line)) {
          mode = "data";
          reply("354 go ahead");
        } else if (/^QUIT$/i.test(line)) {
          reply("221 bye");
          socket.end();
        } else reply("250 ok");
      }
    });
  });
}

/** The message body with quoted-printable soft breaks and escapes undone, and HTML's &amp; too. */
function readable(data: string): string {
  return data
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/&amp;/g, "&");
}

const received: Received[] = [];
const server = smtpServer(received);
const env: Record<string, string> = {
  EMAIL_VERIFICATION: "off",
  SMTP_HOST: "127.0.0.1",
  SMTP_USER: "smtp-user",
  SMTP_PASSWORD: "smtp-password-1",
  SMTP_FROM: "Session Roles <no-reply@example.com>",
  SMTP_SECURE: "false",
};
beforeAll(async () => {
  env.SMTP_PORT = String((await listenOnLoopback(server)).port);
  delete process.env.OUTBOX_FILE;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
withSuperTokens({ env });
const stderr = captureStderr();

let auth: FunctionHandler;
beforeAll(async () => {
  auth = (await import("../../../functions/auth.ts")).default;
});

it("sends the reset email by SMTP, with the page's link, which resets the password", async () => {
  const email = uniqueEmail("smtp");
  const browser = new Browser(() => auth);
  expect((await browser.signUp(email, "old password 1")).status).toBe(200);

  const requested = await browser.request("POST", "/auth/user/password/reset/token", form({ email }));
  expect(requested).toMatchObject({ status: 200, body: { status: "OK" } });

  expect(received).toHaveLength(1);
  const [mail] = received;
  expect(mail).toMatchObject({
    auth: ["smtp-user", "smtp-password-1"],
    from: "no-reply@example.com",
    to: [email],
  });
  const message = readable(mail!.data);
  expect(message).toMatch(/^From: Session Roles <no-reply@example\.com>$/m);
  expect(message).toMatch(/^Subject: Password reset instructions$/m);
  const link = /http:\/\/localhost:3001\/reset-password\?token=[\w-]+&tenantId=public/.exec(message)?.[0];
  expect(link).toBeDefined();

  const reset = await new Browser(() => auth).request("POST", "/auth/user/password/reset", {
    formFields: [{ id: "password", value: "new password 2" }],
    token: new URL(link!).searchParams.get("token"),
  });
  expect(reset.body).toEqual({ status: "OK" });
  expect((await new Browser(() => auth).signIn(email, "new password 2")).body).toMatchObject({
    status: "OK",
  });

  // SMTP, not the outbox: no terminal line.
  expect(stderr.filter((line) => line.startsWith("outbox: "))).toEqual([]);
});
