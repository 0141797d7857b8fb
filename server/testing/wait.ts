/** Polls until `check` holds (every 20 ms, at most `ms`); returns how long that took. */
export async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > ms) throw new Error(`did not hold within ${ms} ms`);
    await Bun.sleep(20);
  }
  return performance.now() - started;
}
