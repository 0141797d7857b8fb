/**
 * Long work on the request thread (a demo generating thousands of rows, composing hundreds of
 * updates, loading a library) holds every request until it returns. Work done in pieces of a few
 * milliseconds, letting waiting requests in between, keeps the server answering meanwhile.
 */

/** Lets waiting requests and timers run before going on. */
export function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * For a loop whose iterations are too small to yield after each: the function returned yields
 * once `sliceMs` have passed since it last did, and otherwise returns at once.
 *
 * @example
 * const pause = pacer();
 * for (const slot of slots) {
 *   await pause();
 *   rows.push(generate(slot));
 * }
 */
export function pacer(sliceMs = 5): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < sliceMs) return undefined;
    return yieldToRequests().then(() => {
      since = performance.now();
    });
  };
}
