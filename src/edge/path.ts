/**
 * The path the origin will serve, for matching the gate's rules against it: percent-escapes decoded,
 * dot segments resolved, repeated slashes collapsed, lower case. Undefined for a path that does not
 * decode (the gate then applies every rule: fail closed).
 */

/** `/`, then segments of letters, digits, `_`, `~`, `-`, each but the last ending in one `/`. */
const PLAIN_PATH = /^\/(?:[\w~-]+\/)*[\w~-]*$/;

/** The URL parser's reading of any path (the slow, complete way). */
export function parsedPath(path: string): string | undefined {
  try {
    // Slashes collapsed before resolving: `//admin/` must not be read as a URL whose host is `admin`.
    // A decoded `?` or `#` is escaped again: it is part of the path, not the start of a query or fragment.
    const decoded = decodeURIComponent(path)
      .replace(/\\/g, "/")
      .replace(/\/{2,}/g, "/")
      .replace(/\?/g, "%3F")
      .replace(/#/g, "%23");
    return new URL(decoded, "http://gate.invalid").pathname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** parsedPath's answer; most paths are plain segments, which the URL parser keeps as they are. */
export const normalisedPath = (path: string): string | undefined =>
  PLAIN_PATH.test(path) ? path.toLowerCase() : parsedPath(path);
