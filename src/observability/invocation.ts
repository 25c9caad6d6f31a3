/**
 * The invocation being served: its request id and function name for the logs, the time the platform
 * leaves it for core deadlines, and what the debug line reports. Kept per process, not per async
 * context: Lambda (and Netlify, which runs on it) serves one invocation at a time per process, and
 * the middy middleware has no async scope around the handler to carry one in. Where several run at
 * once in a process (sls offline, tests), a line may name another concurrent request's id.
 */
export interface Invocation {
  requestId: string | undefined;
  functionName: string | undefined;
  /** Milliseconds left before the platform ends the invocation; undefined where it does not say. */
  remainingMs: (() => number) | undefined;
  /** performance.now() at the start, for the request's duration. */
  startedAt: number;
  /** Set once the request is decoded. */
  request?: { method: string; path: string };
}

export type InvocationInfo = Pick<Invocation, "requestId" | "functionName" | "remainingMs">;

let current: Invocation | undefined;

export function startInvocation(info: InvocationInfo): Invocation {
  current = { ...info, startedAt: performance.now() };
  return current;
}

export function finishInvocation(invocation: Invocation): void {
  if (current === invocation) current = undefined;
}

export function currentInvocation(): Invocation | undefined {
  return current;
}

/** What the Lambda context says; tolerant of the partial contexts tests and emulators pass. */
export function lambdaInvocation(context: unknown): InvocationInfo {
  const value = (context ?? {}) as {
    awsRequestId?: unknown;
    functionName?: unknown;
    getRemainingTimeInMillis?: unknown;
  };
  const remaining = value.getRemainingTimeInMillis;
  return {
    requestId: typeof value.awsRequestId === "string" ? value.awsRequestId : undefined,
    functionName: typeof value.functionName === "string" ? value.functionName : undefined,
    remainingMs: typeof remaining === "function" ? () => Number(remaining.call(context)) : undefined,
  };
}

/** Netlify v2 has no Lambda context: its request id comes from its context or its header, if present. */
export function netlifyInvocation(request: Request, context: unknown): InvocationInfo {
  const fromContext = (context as { requestId?: unknown } | undefined)?.requestId;
  return {
    requestId:
      typeof fromContext === "string" ? fromContext : (request.headers.get("x-nf-request-id") ?? undefined),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    remainingMs: undefined,
  };
}

/** Time the current invocation has left, or undefined when the platform does not say. */
export function remainingMs(): number | undefined {
  return current?.remainingMs?.();
}
