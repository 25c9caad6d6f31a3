// Trick 8: pako (~47 KB) inflates gzip/deflate request bodies for the express/koa/hapi/… adapters
// (framework/utils.js `inflate`). Our functions parse bodies themselves (framework "custom"); for
// the rare caller this keeps pako's Inflate interface on top of node:zlib.
const zlib = require("node:zlib");
class Inflate {
  constructor() {
    this.chunks = [];
    this.done = false;
    this.output = undefined;
    this.error = undefined;
  }
  push(chunk) {
    this.chunks.push(Buffer.from(chunk));
    this.done = false;
    return true;
  }
  finish() {
    if (this.done) return;
    this.done = true;
    try {
      this.output = new Uint8Array(zlib.unzipSync(Buffer.concat(this.chunks)));
      this.error = undefined;
    } catch (error) {
      this.output = undefined;
      this.error = error;
    }
  }
  get err() {
    this.finish();
    return this.error ? -3 : 0;
  }
  get msg() {
    this.finish();
    return this.error ? String(this.error.message) : "";
  }
  get result() {
    this.finish();
    return this.output;
  }
}
module.exports = { __esModule: true, Inflate, default: { Inflate } };
