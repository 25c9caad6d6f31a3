// What a function writes for its operator: every line on stdout and stderr (Powertools' Logger and
// Metrics write there directly, not through console.*), as text and, where it is JSON, parsed.
import { vi } from "vitest";
import { jsonObject } from "../../src/edge/base64url.ts";

export interface LogLine {
  stream: "stdout" | "stderr";
  text: string;
  /** The parsed line, when it is a JSON object. */
  json: Record<string, unknown> | undefined;
}

export interface OutputCapture {
  /** Lines written since the last `clear()`. */
  lines: LogLine[];
  /** Every line written since the capture started. */
  all: LogLine[];
  clear(): void;
  /** JSON log lines (not EMF) at `level`, e.g. "ERROR". */
  logs(level?: string): Record<string, unknown>[];
  /** Embedded-metric-format lines: the ones CloudWatch turns into metrics. */
  metrics(): Record<string, unknown>[];
  stop(): void;
}

const parse = jsonObject;

/** Captures (and silences) this process's stdout and stderr until `stop()`. */
export function captureOutput(): OutputCapture {
  const lines: LogLine[] = [];
  const all: LogLine[] = [];
  const spies = (["stdout", "stderr"] as const).map((stream) =>
    vi.spyOn(process[stream], "write").mockImplementation((chunk: unknown) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        const entry = { stream, text: line, json: parse(line) };
        lines.push(entry);
        all.push(entry);
      }
      return true;
    }),
  );
  const isEmf = (json: Record<string, unknown>) => "_aws" in json;
  return {
    lines,
    all,
    clear: () => {
      lines.length = 0;
    },
    logs: (level) =>
      lines
        .map((line) => line.json)
        .filter((json): json is Record<string, unknown> => json !== undefined && !isEmf(json))
        .filter((json) => level === undefined || json.level === level),
    metrics: () =>
      lines
        .map((line) => line.json)
        .filter((json): json is Record<string, unknown> => json !== undefined && isEmf(json)),
    stop: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
