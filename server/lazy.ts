/**
 * A library loaded on first use instead of at start. A start's CPU goes to opening the embedded
 * database beside it, so libraries that only some requests need (sanitizing Markdown, analysing
 * prose, talking SMTP) wait until one does. `load` calls `require`, which Bun runs synchronously
 * for ES modules too, so the functions using it stay synchronous.
 *
 * Loading one holds the thread (sanitize-html: about 80 ms on a small machine, `import()` no
 * less), so those marked `warm` are loaded by `warmUp` once the server runs, between requests,
 * rather than in the middle of the first request or demo load that needs them.
 */
export function onFirstUse<T>(load: () => T, options: { warm?: boolean } = {}): () => T {
  let loaded: { value: T } | undefined;
  const get = (): T => {
    loaded ??= { value: load() };
    return loaded.value;
  };
  if (options.warm) toWarm.push(get);
  return get;
}

const toWarm: (() => unknown)[] = [];

/** Loads the libraries marked `warm`, one per turn of the event loop; failures wait for first use. */
export async function warmUp(): Promise<void> {
  for (const load of toWarm.splice(0)) {
    await yieldToRequests();
    try {
      load();
    } catch {
      // The request that needs it reports the error.
    }
  }
}

/**
 * Lets waiting requests and timers run before going on. Long work on the request thread (a demo
 * generating thousands of rows, composing hundreds of updates) calls it between pieces of a few
 * milliseconds, so the server keeps answering meanwhile.
 */
export function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
