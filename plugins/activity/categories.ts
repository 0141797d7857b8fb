import { asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import { categoryRules } from "./schema.ts";

/** The category of an event no rule matches. */
export const OTHER = "Other";
/** How a hierarchical category path is written as one key: ["Focus work", "Programming"] → "Focus work > Programming". */
export const SEPARATOR = " > ";

export interface CategoryRule {
  id: string;
  path: string[];
  pattern: string;
}

export interface Categorizer {
  /** The category key for an app name: the first matching rule, else "Other". */
  categorize(app: string): string;
  /** Whether `key` is a category the rules can produce (a relay may send categories). */
  knows(key: string): boolean;
}

export const categoryKey = (path: string[]): string => path.join(SEPARATOR);

/** The top level of a category key ("Focus work > Programming" → "Focus work"). */
export const topLevel = (key: string): string => key.split(SEPARATOR)[0] ?? key;

export async function listRules(db: DbOrTx): Promise<CategoryRule[]> {
  return db
    .select({ id: categoryRules.id, path: categoryRules.path, pattern: categoryRules.pattern })
    .from(categoryRules)
    .orderBy(asc(categoryRules.position), asc(categoryRules.createdAt));
}

/** Builds a categorizer; rules whose pattern does not compile are skipped (they are validated on save). */
export function categorizer(rules: CategoryRule[]): Categorizer {
  const compiled = rules.flatMap((rule) => {
    const regex = compilePattern(rule.pattern);
    return regex ? [{ regex, key: categoryKey(rule.path) }] : [];
  });
  const known = new Set([OTHER, ...compiled.map((c) => c.key)]);
  const cache = new Map<string, string>();
  return {
    categorize(app) {
      let key = cache.get(app);
      if (key === undefined) {
        key = compiled.find((c) => c.regex.test(app))?.key ?? OTHER;
        if (cache.size < 10_000) cache.set(app, key);
      }
      return key;
    },
    knows: (key) => known.has(key),
  };
}

/** Case-insensitive, like ActivityWatch's default; null when the pattern is not a valid regex. */
export function compilePattern(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, "i");
  } catch {
    return null;
  }
}

// Rules change rarely and ingest is hot: cache the compiled rules for a few seconds per database.
// An edit bumps the generation so this instance sees it at once; other instances within 5 s.
const cached = new WeakMap<object, { at: number; generation: number; value: Categorizer }>();
let generation = 0;

export async function currentCategorizer(db: DbOrTx, now = Date.now()): Promise<Categorizer> {
  const hit = cached.get(db);
  if (hit && hit.generation === generation && now - hit.at < 5_000) return hit.value;
  const value = categorizer(await listRules(db));
  cached.set(db, { at: now, generation, value });
  return value;
}

function forgetCachedRules(): void {
  generation++;
}

export async function addRule(db: DbOrTx, rule: { path: string[]; pattern: string }): Promise<void> {
  await db.insert(categoryRules).values({
    path: rule.path,
    pattern: rule.pattern,
    position: sql`coalesce((select max(${categoryRules.position}) + 1 from ${categoryRules}), 0)`,
  });
  forgetCachedRules();
}

export async function deleteRule(db: DbOrTx, id: string): Promise<boolean> {
  const removed = await db.delete(categoryRules).where(eq(categoryRules.id, id)).returning({ id: categoryRules.id });
  forgetCachedRules();
  return removed.length > 0;
}
