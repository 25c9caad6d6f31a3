import { MAX_JSON_DEPTH } from "./limits.ts";
import { BadRequestError } from "./model.ts";

/** How deep `text` nests arrays and objects, counted in one pass (strings skipped). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth--;
  }
  return deepest;
}

/** The one JSON body parser: empty is `undefined`, malformed or too deep a 400. */
export function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  if (nestingDepth(text) > MAX_JSON_DEPTH)
    throw new BadRequestError(`request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError("request body is not valid JSON");
  }
}
