// Preloaded (`node --import`) into tools that listen on every interface and have no option to say
// otherwise (netlify functions:serve calls `server.listen(port)`): a listen without a host binds
// 127.0.0.1, so a local stack is not reachable from the network. An explicit host is left alone.
import { Server } from "node:net";

const LOOPBACK = "127.0.0.1";
const listen = Server.prototype.listen;

Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (typeof second !== "string") args.splice(1, 0, LOOPBACK);
  } else if (
    typeof first === "object" &&
    first !== null &&
    first.path === undefined &&
    first.host === undefined
  ) {
    args[0] = { ...first, host: LOOPBACK };
  } else if (first === undefined || typeof first === "function") {
    args.splice(0, 0, 0, LOOPBACK);
  }
  return listen.apply(this, args);
};
