// The one sha256 of the local core: token, refresh-token and link-code hashes.
import { createHash } from "node:crypto";

export const sha256 = (value: string, encoding: "hex" | "base64url" = "hex"): string =>
  createHash("sha256").update(value).digest(encoding);
