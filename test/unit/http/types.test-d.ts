// Type-level contract of the exports: vitest typecheck mode (`*.test-d.ts`) runs tsc on this file, so a wrong type fails `npm test`.
import type { MiddlewareObj } from "@middy/core";
import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2 } from "aws-lambda";
import type { SessionContainer } from "supertokens-node/recipe/session";
import { describe, expectTypeOf, it } from "vitest";
import type { LambdaEvent, LambdaResult } from "../../../src/http/adapters/lambda.ts";
import type { PathParamsOf } from "../../../src/index.ts";
import { sessionMiddleware } from "../../../src/session/middy.ts";
import {
  type SessionOptions,
  type SessionRequest,
  verifySession,
  verifySessionNetlify,
} from "../../../src/session/verify-session.ts";

describe("verifySession types", () => {
  it("returns a Lambda handler taking any supported event", () => {
    const handler = verifySession(({ session }) => session.getUserId());
    expectTypeOf(handler).parameter(0).toEqualTypeOf<LambdaEvent>();
    expectTypeOf(handler).returns.toEqualTypeOf<Promise<LambdaResult>>();
    expectTypeOf<APIGatewayProxyEvent>().toMatchTypeOf<Parameters<typeof handler>[0]>();
    expectTypeOf<APIGatewayProxyEventV2>().toMatchTypeOf<Parameters<typeof handler>[0]>();
    expectTypeOf<ALBEvent>().toMatchTypeOf<Parameters<typeof handler>[0]>();
  });

  it("returns a Netlify v2 handler: (req: Request) => Promise<Response>", () => {
    const handler = verifySessionNetlify(({ session }) => session.getUserId());
    expectTypeOf(handler).toMatchTypeOf<(req: Request) => Promise<Response>>();
    expectTypeOf(handler).returns.toEqualTypeOf<Promise<Response>>();
  });

  it("gives the handler a SessionContainer by default and with requireRoles", () => {
    verifySession(({ session, request }) => {
      expectTypeOf(session).toEqualTypeOf<SessionContainer>();
      expectTypeOf(request).toEqualTypeOf<SessionRequest>();
    });
    verifySession(
      ({ session }) => {
        expectTypeOf(session).toEqualTypeOf<SessionContainer>();
      },
      { requireRoles: ["admin"] },
    );
    verifySessionNetlify(({ session, raw }) => {
      expectTypeOf(session).toEqualTypeOf<SessionContainer>();
      expectTypeOf(raw).toEqualTypeOf<Request>();
    });
  });

  it("gives SessionContainer | undefined with { sessionRequired: false }", () => {
    verifySession(
      ({ session }) => {
        expectTypeOf(session).toEqualTypeOf<SessionContainer | undefined>();
      },
      { sessionRequired: false },
    );
    verifySessionNetlify(
      ({ session }) => {
        expectTypeOf(session).toEqualTypeOf<SessionContainer | undefined>();
      },
      { sessionRequired: false },
    );
  });

  it("gives SessionContainer | undefined when sessionRequired may be false: typed or widened options", () => {
    const widened = { sessionRequired: false };
    const typed: SessionOptions = { sessionRequired: false };
    for (const options of [widened, typed]) {
      verifySession(({ session }) => {
        expectTypeOf(session).toEqualTypeOf<SessionContainer | undefined>();
      }, options);
    }
    verifySession(
      ({ session }) => {
        expectTypeOf(session).toEqualTypeOf<SessionContainer>();
      },
      { sessionRequired: true },
    );
  });
});

describe("sessionMiddleware types", () => {
  it("types context.session by the options, like verifySession", () => {
    type ContextOf<M> = M extends MiddlewareObj<LambdaEvent, unknown, unknown, infer C> ? C : never;
    const plain = sessionMiddleware();
    expectTypeOf<ContextOf<typeof plain>["session"]>().toEqualTypeOf<SessionContainer>();
    const optional = sessionMiddleware({ sessionRequired: false });
    expectTypeOf<ContextOf<typeof optional>["session"]>().toEqualTypeOf<SessionContainer | undefined>();
    const admins = sessionMiddleware({ requireRoles: ["admin"] });
    expectTypeOf<ContextOf<typeof admins>["session"]>().toEqualTypeOf<SessionContainer>();
  });
});

describe("path parameter types", () => {
  it("PathParamsOf names each parameter of a route, in every syntax", async () => {
    const { declareRoutes } = await import("../../../src/http/route-params.ts");
    expectTypeOf(declareRoutes).parameter(0).toEqualTypeOf<unknown>();
    expectTypeOf<PathParamsOf<"/items/:id">>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<PathParamsOf<"/orgs/{org}/users/:user">>().toEqualTypeOf<{ org: string; user: string }>();
    expectTypeOf<PathParamsOf<"/files/*">>().toEqualTypeOf<{ "*": string }>();
    expectTypeOf<PathParamsOf<"/auth/{proxy+}">>().toEqualTypeOf<{ "*": string }>();
    expectTypeOf<keyof PathParamsOf<"/session">>().toEqualTypeOf<never>();
    // A handler's request has the decoded parameters of whatever route it serves.
    expectTypeOf<SessionRequest["params"]>().toEqualTypeOf<Record<string, string>>();
  });
});
