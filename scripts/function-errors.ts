/**
 * What `npm start` shows of a function's 500 by default: the function's ERROR line
 * (src/observability/log-lines.ts, one JSON object) as one terminal line, with the frame of the stack
 * in the project's own code (the bundles' source maps make it `functions/…` or `src/…`).
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface ErrorLine {
  status?: unknown;
  function_name?: unknown;
  where?: unknown;
  error?: { name?: unknown; message?: unknown; stack?: unknown; location?: unknown };
}

/** `file:line:column` of a stack frame, relative to the project when it is inside it. */
function frameLocation(frame: string, root: string): string | undefined {
  const location = /\(?((?:file:\/\/)?\/[^()\s]+:\d+:\d+)\)?$/.exec(frame.trim())?.[1];
  if (!location) return undefined;
  const path = location.startsWith("file://") ? fileURLToPath(location.replace(/:\d+:\d+$/, "")) : location;
  // sls offline runs each function from its unzipped copy, where the maps' relative paths land.
  const inside = relative(root, path.replace(/:\d+:\d+$/, "")).replace(
    /^\.serverless-offline\/services\/[^/]+\//,
    "",
  );
  const position = /:\d+:\d+$/.exec(location)?.[0] ?? "";
  return inside.startsWith("..") ? location : `${inside}${position}`;
}

/** The first frame in the project's own code (not node_modules, not Node's), else the first frame. */
export function ownFrame(stack: string, root = ROOT): string | undefined {
  const frames = stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .map((line) => frameLocation(line, root))
    .filter((location): location is string => location !== undefined);
  return (
    frames.find((location) => !location.includes("node_modules/") && !location.startsWith("/")) ?? frames[0]
  );
}

/** One line for a 500 the function logged, or undefined for any other output line. */
export function functionErrorLine(line: string, root = ROOT): string | undefined {
  if (!line.includes('"status":500')) return undefined;
  let entry: ErrorLine;
  try {
    entry = JSON.parse(line.slice(line.indexOf("{"))) as ErrorLine;
  } catch {
    return undefined;
  }
  if (entry.status !== 500) return undefined;
  const error = entry.error ?? {};
  const name =
    typeof entry.function_name === "string"
      ? entry.function_name.replace(/^session-roles-\w+-/, "")
      : "a function";
  const at = typeof error.stack === "string" ? ownFrame(error.stack, root) : undefined;
  const what = `${String(error.name ?? "Error")}: ${String(error.message ?? "")}`;
  return `500 from ${name}: ${what}${at ? ` at ${at}` : ""} (npm start -- --verbose shows the whole stack)`;
}
