// Trick 3: supertokens-node/lib/build/framework/index.js loads every framework adapter (express, fastify,
// hapi, koa, loopback, awsLambda). Our functions init SuperTokens with framework "custom", for which
// sessionRequestFunctions never reads this table.
const request = require("st-build/framework/request.js");
const response = require("st-build/framework/response.js");
const unavailable = new Proxy(
  {},
  {
    get(_, name) {
      if (typeof name !== "string" || name === "then" || name === "__esModule") return undefined;
      throw new Error(`session-roles build: framework "${name}" is not bundled; use framework "custom"`);
    },
  },
);
module.exports = {
  __esModule: true,
  default: unavailable,
  BaseRequest: request.BaseRequest,
  BaseResponse: response.BaseResponse,
};
