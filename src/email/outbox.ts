import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/** One email the functions would send: what the outbox file holds, one JSON line each. */
export interface OutboxEntry {
  to: string;
  type: "password-reset" | "email-verification";
  link: string;
  /** ISO 8601 time it was "sent". */
  at: string;
}

/**
 * Keeps the email instead of sending it (local development and tests): one JSON line in `file`,
 * which the demo page shows, and one line on stderr for the terminal. Nothing leaves the machine.
 */
export async function deliverToOutbox(file: string, email: Omit<OutboxEntry, "at">): Promise<void> {
  const entry: OutboxEntry = { ...email, at: new Date().toISOString() };
  await mkdir(dirname(file), { recursive: true });
  // One write with O_APPEND per line: concurrent functions never interleave their lines.
  await appendFile(file, `${JSON.stringify(entry)}\n`);
  process.stderr.write(`outbox: ${entry.type} for ${entry.to}: ${entry.link}\n`);
}
