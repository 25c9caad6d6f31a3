/**
 * Runs `work` over `items` with at most `limit` calls in flight, so a user with 1,000 roles (or 3,000
 * sessions) never means 1,000 parallel core requests. Results keep the items' order. With `until`,
 * no new item starts once that time (ms since the epoch) has passed: the results are then those of the
 * items started, a prefix of `items` (the caller counts the rest).
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
  until = Number.POSITIVE_INFINITY,
): Promise<R[]> {
  const done: R[] = new Array(items.length);
  let next = 0;
  let stoppedAt = items.length;
  const worker = async () => {
    while (next < items.length) {
      if (Date.now() >= until) {
        stoppedAt = Math.min(stoppedAt, next);
        return;
      }
      const index = next++;
      done[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return done.slice(0, stoppedAt);
}
