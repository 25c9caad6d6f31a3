import { remainingMs } from "../observability/invocation.ts";

/**
 * Deadlines for work that may wait on the core. A timer per request costs more than the rest of a
 * warm verification's wrapper, so pending deadlines share one coarse sweep (every TICK_MS) instead.
 */
const TICK_MS = 25;

interface Pending {
  at: number;
  expire: () => void;
}

const pending = new Set<Pending>();
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = Date.now();
  for (const entry of pending) {
    if (entry.at <= now) {
      pending.delete(entry);
      entry.expire();
    }
  }
  if (pending.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** What core work that ran out of time fails with: a `TimeoutError`, as outage.ts reads it. */
export class CoreTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer from the core within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** Settles like `work`, or rejects with `onTimeout()` once `ms` have passed (give or take TICK_MS). */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const entry: Pending = { at: Date.now() + ms, expire: () => reject(onTimeout()) };
    pending.add(entry);
    if (!sweeper) {
      sweeper = setInterval(sweep, TICK_MS);
      // A pending deadline alone must not keep a process alive (tests, CLIs); sockets do that.
      sweeper.unref();
    }
    work.then(
      (value) => {
        pending.delete(entry);
        resolve(value);
      },
      (error: unknown) => {
        pending.delete(entry);
        reject(error);
      },
    );
  });
}

/**
 * Left of the invocation for answering once a core call gave up: past its timeout the platform kills
 * the function, and the client would get the platform's 502/504 instead of our 503.
 */
export const ANSWER_MARGIN_MS = 250;

/** The deadline of a core call starting now: `timeoutMs`, or less when the invocation ends sooner. */
export function coreDeadlineMs(timeoutMs: number): number {
  const remaining = remainingMs();
  return remaining === undefined ? timeoutMs : Math.min(timeoutMs, remaining - ANSWER_MARGIN_MS);
}
