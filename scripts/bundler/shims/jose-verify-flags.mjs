// Trick 13: jose's runtime/verify.js asks `oneShotCallback` whether to call node:crypto's verify with a
// callback (promisified: the RSA check runs on the libuv thread pool and comes back a turn later) or
// synchronously. A function serves one request at a time, so the thread-pool round trip is pure
// latency (~18 µs of a warm verify, bench/COLD-START.md cut 8). Same check, same answers: a bad
// signature or key is `false` either way (verify.js catches what the synchronous call throws).
export const oneShotCallback = false;
