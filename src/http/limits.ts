/** Bounds on what a function accepts: beyond them the request is refused before any work. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_HEADER_BYTES = 32 * 1024;
/** Deeper JSON is refused: deep nesting only serves to exhaust a parser's or a serializer's stack. */
export const MAX_JSON_DEPTH = 64;
/** Methods a function serves; anything else is a 405 before any work. */
export const ALLOWED_METHODS: readonly string[] = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
];
