// The demo page opened on a loopback IP goes to localhost, where its cookies and CORS origin are.
import { describe, expect, it } from "vitest";
import { localhostPage } from "../../public/src/config.ts";

describe("the demo page's host", () => {
  it.each([
    ["http://127.0.0.1:3001/", "http://localhost:3000", "http://localhost:3001/"],
    [
      "http://127.0.0.1:3712/reset-password?token=x#top",
      "http://localhost:3710",
      "http://localhost:3712/reset-password?token=x#top",
    ],
    ["http://[::1]:3001/", "http://localhost:3000", "http://localhost:3001/"],
  ])("%s (API %s) moves to %s", (page, api, expected) => {
    expect(localhostPage(page, api)).toBe(expected);
  });

  it.each([
    ["http://localhost:3001/", "http://localhost:3000"],
    ["https://app.example.com/", "https://api.example.com"],
    ["https://site.netlify.app/", "https://site.netlify.app"],
    ["http://127.0.0.1:3001/", "http://127.0.0.1:3000"],
  ])("%s (API %s) stays", (page, api) => {
    expect(localhostPage(page, api)).toBeUndefined();
  });
});
