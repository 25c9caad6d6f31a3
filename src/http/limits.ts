/** Bounds on what a function accepts: beyond them the request is refused before any work. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_HEADER_BYTES = 32 * 1024;
export const ALLOWED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
