/**
 * A library loaded on first use instead of at start. A start's CPU goes to opening the embedded
 * database beside it, so libraries that only some requests need (sanitizing Markdown, analysing
 * prose, talking SMTP) wait until one does. `load` calls `require`, which Bun runs synchronously
 * for ES modules too, so the functions using it stay synchronous.
 */
export function onFirstUse<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => {
    loaded ??= { value: load() };
    return loaded.value;
  };
}
