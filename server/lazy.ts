import { yieldToRequests } from "./pace.ts";

/**
 * A library loaded on first use instead of at start. A start's CPU goes to opening the embedded
 * database beside it, so libraries that only some requests need (sanitizing Markdown, analysing
 * prose, talking SMTP) wait until one does. `load` calls `require`, which Bun runs synchronously
 * for ES modules too, so the functions using it stay synchronous.
 *
 * Loading one holds the thread (sanitize-html: about 80 ms on a small machine; `import()` holds
 * it as long), so a library nearly every page needs is marked `warm`: `warmUp` loads it once the
 * server runs rather than in the middle of the first request or demo load that needs it, its
 * big dependencies first (`dependenciesFirst`), one per turn of the event loop.
 */
export function onFirstUse<T>(
  load: () => T,
  options: { warm?: boolean; dependenciesFirst?: (() => unknown)[] } = {},
): () => T {
  let loaded: { value: T } | undefined;
  const get = (): T => {
    loaded ??= { value: load() };
    return loaded.value;
  };
  if (options.warm) toWarm.push(...(options.dependenciesFirst ?? []), get);
  return get;
}

const toWarm: (() => unknown)[] = [];

/** Loads what is marked `warm`, a piece per turn of the event loop; a failure waits for first use. */
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
