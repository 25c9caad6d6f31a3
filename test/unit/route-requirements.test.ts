// Per-route requirements of the authorizer: every spelling of a path reaches its route's requirement,
// and a path that cannot be read safely is never decided (the authorizer denies it).
import { describe, expect, it } from "vitest";
import { compileRoutes, requirementsOf } from "../../src/session/route-requirements.ts";

const EDITOR = { requireRoles: ["editor"], requirePermissions: [] };
const ADMIN = { requireRoles: ["admin"], requirePermissions: [] };
const FALLBACK = { requireRoles: [] as string[] };
const routes = compileRoutes({
  "GET /py/editor": { requireRoles: ["editor"] },
  "GET /reports/{id}": { requireRoles: ["editor"] },
  "/files/{proxy+}": { requireRoles: ["admin"] },
});
const decide = (method: string, path: string, declared?: string) =>
  requirementsOf(routes, { method, path, declared }, FALLBACK);

describe("route requirements", () => {
  it.each(["/py/editor", "/py/editor/", "/py//editor", "//py/editor//", "/py/%65ditor", "/py/%65%64itor/"])(
    "%s is the route GET /py/editor",
    (path) => {
      expect(decide("GET", path)).toEqual(EDITOR);
    },
  );

  it("matches templates: {id} one segment, {proxy+} the rest", () => {
    expect(decide("GET", "/reports/42")).toEqual(EDITOR);
    expect(decide("GET", "/reports/42/")).toEqual(EDITOR);
    expect(decide("GET", "/reports")).toEqual(FALLBACK);
    expect(decide("GET", "/reports/42/pages")).toEqual(FALLBACK);
    expect(decide("DELETE", "/files/a/b/c")).toEqual(ADMIN);
    expect(decide("GET", "/files/x")).toEqual(ADMIN);
    expect(decide("GET", "/files")).toEqual(FALLBACK);
  });

  it("a route with a method is that method's only; a path alone (or ANY) is every method's", () => {
    expect(decide("POST", "/py/editor")).toEqual(FALLBACK);
    expect(
      requirementsOf(compileRoutes({ "ANY /x": ADMIN }), { method: "PATCH", path: "/x" }, FALLBACK),
    ).toEqual(ADMIN);
  });

  it("matches the route as declared, whatever the path says", () => {
    expect(decide("GET", "/anything", "GET /reports/{id}")).toEqual(EDITOR);
  });

  it("applies every matching route's requirements together", () => {
    const both = compileRoutes({
      "/a/{x}": { requireRoles: ["editor"] },
      "/a/b": { requirePermissions: ["p"] },
    });
    expect(requirementsOf(both, { method: "GET", path: "/a/b" }, FALLBACK)).toEqual({
      requireRoles: ["editor"],
      requirePermissions: ["p"],
    });
  });

  it.each(["/py/./editor", "/py/../py/editor", "/py/x/..%2Feditor", "/py\\editor", "/py/%zz"])(
    "%s cannot be decided",
    (path) => {
      expect(decide("GET", path)).toBeUndefined();
    },
  );

  it("without routes, every path gets the fallback, however it is spelled", () => {
    expect(requirementsOf([], { method: "GET", path: "/../x" }, FALLBACK)).toEqual(FALLBACK);
  });

  it.each([
    "GET/admin",
    "GET  /x",
    "FETCH /x",
    "/a/{p+}/b",
    "admin",
    "/a/{p",
    "/a/:id",
    "GET /files/*",
    "/a b",
  ])("refuses the mistyped route %j when the routes are read, rather than guard nothing", (key) => {
    expect(() => compileRoutes({ [key]: ADMIN })).toThrow(/authorizer route/);
  });
});
