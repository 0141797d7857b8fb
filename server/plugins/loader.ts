import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { API_VERSION, type PluginDefinition } from "./definition.ts";

/** Ids that would collide with core routes. */
const reservedIds = new Set([
  "api",
  "admin",
  "assets",
  "setup",
  "login",
  "logout",
  "profile",
  "teams",
  "invite",
  "digest",
  "healthz",
  "metrics",
  "core",
  "public",
  // /api/docs is the API docs page, so a plugin "docs" could not have its /api/docs.
  "docs",
]);

const manifestSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "must be kebab-case (lowercase letters, digits and single dashes)")
    .max(40, "must be at most 40 characters")
    .refine((id) => !reservedIds.has(id), "is reserved by core"),
  name: z.string().min(1, "is required"),
  version: z.string().regex(/^\d+\.\d+\.\d+/, "must be a semver version such as 1.0.0"),
  apiVersion: z.string().min(1, "is required"),
  dependsOn: z.array(z.string()).default([]),
  setup: z.custom<PluginDefinition["setup"]>((v) => typeof v === "function", "must be a function"),
});

/** A plugin as the loader found it: ready to start, or refused with the reason. */
export type DiscoveredPlugin =
  | { status: "ready"; id: string; dir: string | null; definition: PluginDefinition }
  | { status: "refused"; id: string; dir: string | null; error: string };

/** A plugin's entry file: `index.ts`, or `index.tsx` when it renders JSX itself. */
function indexFile(dir: string): string | undefined {
  return ["index.ts", "index.tsx"].map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** Imports every `plugins/<dir>/index.ts`. A plugin that throws while importing is refused, not fatal. */
export async function discoverPlugins(pluginsDir: string): Promise<{ dir: string; load: () => Promise<unknown> }[]> {
  if (!existsSync(pluginsDir)) return [];
  return readdirSync(pluginsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && indexFile(join(pluginsDir, d.name)))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((d) => ({
      dir: d.name,
      load: async () => (await import(indexFile(join(pluginsDir, d.name)) as string)).default,
    }));
}

/** A plugin module as imported (or why it could not be). */
export interface PluginCandidate {
  dir: string | null;
  module: unknown;
  loadError?: string;
}

/**
 * Imports every plugin in a folder, all at once. A plugin that throws while importing is kept
 * with its error (and refused later), not fatal.
 */
export async function importPlugins(pluginsDir: string): Promise<PluginCandidate[]> {
  return Promise.all(
    (await discoverPlugins(pluginsDir)).map(async (found): Promise<PluginCandidate> => {
      try {
        return { dir: found.dir, module: await found.load() };
      } catch (error) {
        return { dir: found.dir, module: undefined, loadError: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

/**
 * Validates manifests and orders plugins so every plugin comes after its dependencies.
 * Refused: a bad manifest, an incompatible `apiVersion`, a missing or refused dependency,
 * and every plugin in a dependency cycle. The rest load.
 */
export function resolvePlugins(
  candidates: { dir: string | null; module: unknown; loadError?: string }[],
): DiscoveredPlugin[] {
  const found: DiscoveredPlugin[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const fallbackId = candidate.dir ?? "(unnamed)";
    if (candidate.loadError) {
      found.push({
        status: "refused",
        id: fallbackId,
        dir: candidate.dir,
        error: `failed to load: ${candidate.loadError}`,
      });
      continue;
    }
    const parsed = manifestSchema.safeParse(candidate.module);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".") || "manifest";
      const id =
        typeof (candidate.module as { id?: unknown })?.id === "string"
          ? String((candidate.module as { id: string }).id)
          : fallbackId;
      found.push({
        status: "refused",
        id,
        dir: candidate.dir,
        error: `invalid manifest: ${field} ${issue?.message ?? "is invalid"}`,
      });
      continue;
    }
    const def = candidate.module as PluginDefinition;
    if (seen.has(def.id)) {
      found.push({
        status: "refused",
        id: def.id,
        dir: candidate.dir,
        error: `another plugin already uses the id "${def.id}"`,
      });
      continue;
    }
    seen.add(def.id);
    if (!satisfies(API_VERSION, def.apiVersion)) {
      found.push({
        status: "refused",
        id: def.id,
        dir: candidate.dir,
        error: `needs plugin API ${def.apiVersion}, but this DeskTrust provides ${API_VERSION}`,
      });
      continue;
    }
    found.push({
      status: "ready",
      id: def.id,
      dir: candidate.dir,
      definition: { ...def, dependsOn: parsed.data.dependsOn },
    });
  }
  return orderByDependencies(found);
}

function satisfies(version: string, range: string): boolean {
  try {
    return Bun.semver.satisfies(version, range);
  } catch {
    return false;
  }
}

/** Topological order (Kahn); plugins left over are in a cycle or depend on a refused plugin. */
function orderByDependencies(plugins: DiscoveredPlugin[]): DiscoveredPlugin[] {
  const byId = new Map(plugins.map((p) => [p.id, p]));
  const result: DiscoveredPlugin[] = plugins.filter((p) => p.status === "refused");
  const placed = new Set<string>();
  let pending = plugins.filter((p): p is Extract<DiscoveredPlugin, { status: "ready" }> => p.status === "ready");
  // Refuse plugins whose dependencies are unknown or refused, repeatedly, since refusals cascade.
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of pending) {
      const missing = (p.definition.dependsOn ?? []).find((d) => byId.get(d)?.status !== "ready");
      if (missing) {
        const dep = byId.get(missing);
        const why = dep
          ? `depends on "${missing}", which was refused`
          : `depends on "${missing}", which is not installed`;
        const refused: DiscoveredPlugin = { status: "refused", id: p.id, dir: p.dir, error: why };
        byId.set(p.id, refused);
        result.push(refused);
        changed = true;
      }
    }
    pending = pending.filter((p) => byId.get(p.id)?.status === "ready");
  }
  while (pending.length) {
    const next = pending.find((p) => (p.definition.dependsOn ?? []).every((d) => placed.has(d)));
    if (!next) {
      for (const p of pending) {
        result.push({
          status: "refused",
          id: p.id,
          dir: p.dir,
          error: `is in a dependency cycle (${pending.map((c) => c.id).join(" → ")})`,
        });
      }
      break;
    }
    placed.add(next.id);
    result.push(next);
    pending = pending.filter((p) => p !== next);
  }
  // Ready plugins in dependency order after the refused ones (which are only listed).
  return [...result.filter((p) => p.status === "refused"), ...result.filter((p) => p.status === "ready")];
}

/** The Postgres schema a plugin's tables live in: its id with dashes as underscores. */
export function pluginSchemaName(id: string): string {
  return id.replaceAll("-", "_");
}
