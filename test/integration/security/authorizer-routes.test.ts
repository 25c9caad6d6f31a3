// The authorizer's per-route requirements on all three event types with real tokens: no spelling of a
// guarded path lets in a user who lacks the requirement, and a path it cannot read is denied.
import UserRoles from "supertokens-node/recipe/userroles";
import { describe, expect, it } from "vitest";
import { sessionAuthorizer } from "../../../src/session/authorizer.ts";
import {
  allowed,
  httpApiAuthorizerEvent,
  restRequestAuthorizerEvent,
  restTokenAuthorizerEvent,
} from "../../helpers/authorizer-events.ts";
import { signUp, withSignedInUser, withSuperTokens } from "../../helpers/session-client.ts";

withSuperTokens();
const authorize = sessionAuthorizer({
  routes: {
    "GET /py/editor": { requireRoles: ["editor"] },
    "GET /reports/{id}": { requirePermissions: ["content:write"] },
    "/admin/{proxy+}": { requireRoles: ["admin"] },
  },
});

/** Each event type for one request: [name, event]. */
function events(token: string, method: string, declared: string, path: string): Array<[string, unknown]> {
  return [
    ["HTTP API", httpApiAuthorizerEvent(token, `${method} ${declared}`, path)],
    [
      "HTTP API ($default route)",
      { ...httpApiAuthorizerEvent(token, `${method} ${path}`, path), routeKey: "$default" },
    ],
    ["REST REQUEST", restRequestAuthorizerEvent(token, method, declared, path)],
    ["REST TOKEN", restTokenAuthorizerEvent(token, method, path)],
  ];
}

const GUARDED: Array<[string, string]> = [
  ["/py/editor", "/py/editor"],
  ["/py/editor", "/py/editor/"],
  ["/py/editor", "/py//editor"],
  ["/py/editor", "/py/%65ditor"],
  ["/reports/{id}", "/reports/42"],
  ["/reports/{id}", "/reports/42/"],
  ["/admin/{proxy+}", "/admin/users/7"],
];

const user = withSignedInUser("header", signUp);
const editor = withSignedInUser("header", async (mode) => {
  const signedUp = await signUp(mode);
  await UserRoles.addRoleToUser("public", signedUp.userId, "editor");
  return signedUp;
});

describe("per-route requirements in the authorizer", () => {
  it("never allows a user who lacks a route's requirement, whatever the spelling or event type", async () => {
    for (const [declared, path] of GUARDED)
      for (const [name, event] of events(user.accessToken, "GET", declared, path))
        expect(allowed(await authorize(event)), `${name} GET ${path}`).toBe(false);
  });

  it("allows a user who meets it, on every spelling of the same route", async () => {
    for (const [declared, path] of GUARDED.filter(([route]) => !route.startsWith("/admin")))
      for (const [name, event] of events(editor.accessToken, "GET", declared, path))
        expect(allowed(await authorize(event)), `${name} GET ${path}`).toBe(true);
  });

  it("denies a path it cannot read safely, even to a user who would meet every requirement", async () => {
    await UserRoles.addRoleToUser("public", editor.userId, "admin");
    try {
      for (const path of ["/py/./editor", "/py/x/../editor", "/py/%zz"])
        for (const [name, event] of events(editor.accessToken, "GET", "/{proxy+}", path))
          expect(allowed(await authorize(event)), `${name} GET ${path}`).toBe(false);
    } finally {
      await UserRoles.removeUserRole("public", editor.userId, "admin");
    }
  });

  it("reads the route without the stage or base path the request's own path starts with", async () => {
    const onStage = (event: Record<string, unknown>) => ({
      ...event,
      rawPath: `/prod${event.rawPath as string}`,
      routeArn: (event.routeArn as string).replace("/$default/", "/prod/"),
      routeKey: "ANY /{proxy+}",
    });
    const behindBasePath = (event: Record<string, unknown>) => ({
      ...event,
      path: `/v1${event.path as string}`,
    });
    for (const path of ["/admin/users/7", "/py/editor"]) {
      const http = onStage(httpApiAuthorizerEvent(user.accessToken, "GET /py/editor", path));
      expect(allowed(await authorize(http)), `HTTP API on stage prod: GET ${path}`).toBe(false);
      expect(allowed(await authorize({ ...http, routeKey: "$default" })), `$default: GET ${path}`).toBe(
        false,
      );
      const rest = behindBasePath(restRequestAuthorizerEvent(user.accessToken, "GET", "/{proxy+}", path));
      expect(allowed(await authorize(rest)), `REST behind base path /v1: GET ${path}`).toBe(false);
    }
    // Read, not refused: the same events allow whoever meets the route, and an unguarded one.
    for (const [token, path] of [
      [editor.accessToken, "/py/editor"],
      [user.accessToken, "/py/whoami"],
    ] as const) {
      const http = onStage(httpApiAuthorizerEvent(token, "GET /py/editor", path));
      expect(allowed(await authorize(http)), `HTTP API on stage prod: GET ${path}`).toBe(true);
      const rest = behindBasePath(restRequestAuthorizerEvent(token, "GET", "/{proxy+}", path));
      expect(allowed(await authorize(rest)), `REST behind base path /v1: GET ${path}`).toBe(true);
    }
  });

  it("keeps a colon in the path: a route past it is not read as a shorter one", async () => {
    for (const [name, event] of events(user.accessToken, "GET", "/admin/{proxy+}", "/admin/a:b"))
      expect(allowed(await authorize(event)), name).toBe(false);
    // A colon is read, not refused: an unguarded path with one lets the session through.
    for (const [name, event] of events(user.accessToken, "GET", "/py/{proxy+}", "/py/a:b"))
      expect(allowed(await authorize(event)), name).toBe(true);
  });

  it("lets an unguarded route through with a valid session only", async () => {
    for (const [name, event] of events(user.accessToken, "GET", "/py/whoami", "/py/whoami"))
      expect(allowed(await authorize(event)), name).toBe(true);
  });
});

describe("names made in the core by other means", () => {
  it("a permission with a comma or a space never reaches the context as permissions nobody granted", async () => {
    const user = await signUp("header");
    await UserRoles.createNewRoleOrAddPermissions("odd", [
      "reports:read,users:delete",
      "files:read users:delete",
    ]);
    await UserRoles.addRoleToUser("public", user.userId, "odd");
    const answer = (await sessionAuthorizer()(httpApiAuthorizerEvent(user.accessToken))) as {
      isAuthorized: boolean;
      context: Record<string, string>;
    };
    expect(answer.isAuthorized).toBe(true);
    expect(answer.context.permissions!.split(",")).toEqual(["content:read"]);
    expect(answer.context.roles!.split(",").sort()).toEqual(["odd", "user"]);
  });
});
