/**
 * Who wants to know which statements run: a cache of rendered pages records what each page read
 * and drops what a change made stale. Told by the database layer (transaction-scope.ts), for
 * every statement through the outer handle or inside a transaction.
 */
export interface StatementObserver {
  /** A statement is being sent, in the sender's async context. */
  sent(text: string): void;
  /**
   * Statements that may have changed data, once other connections can see the change: a
   * statement outside a transaction when it has finished, a transaction's when it has ended.
   */
  changed(texts: readonly string[]): void;
}

const WRITE = /^\s*(insert|update|delete|merge|truncate|copy|alter|create|drop|comment|grant|revoke|refresh)\b/i;
const WRITE_IN_CTE = /\b(insert\s+into|update\s|delete\s+from|merge\s+into)\b/i;

/** Whether a statement may change data or the schema (reads never match; writes always do). */
export function changesData(text: string): boolean {
  if (WRITE.test(text)) return true;
  return /^\s*with\b/i.test(text) && WRITE_IN_CTE.test(text);
}

/** The observers of one database handle. */
export class StatementEvents implements StatementObserver {
  readonly #observers = new Set<StatementObserver>();

  subscribe(observer: StatementObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  get observed(): boolean {
    return this.#observers.size > 0;
  }

  sent(text: string): void {
    for (const observer of this.#observers) observer.sent(text);
  }

  changed(texts: readonly string[]): void {
    for (const observer of this.#observers) observer.changed(texts);
  }
}
