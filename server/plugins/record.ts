import type { Hono } from "hono";
import type { Asset } from "../../views/assets.ts";
import type { AppEnv } from "../http/env.ts";
import type { DigestSection, PluginCommand, PluginDefinition } from "./definition.ts";
import type { PluginCandidate } from "./loader.ts";

// What the plugin runtime keeps of each plugin, and where plugins come from: shared by the
// runtime, its registration calls (setup-api.ts), boot and the admin Plugins page.

export type PluginStatus = "active" | "failed" | "refused" | "not-enabled";

/** A plugin as the admin Plugins page shows it. */
export interface PluginRecord {
  id: string;
  name: string;
  version: string;
  description: string;
  status: PluginStatus;
  error?: string;
  definition?: PluginDefinition;
  pages?: Hono<AppEnv>;
  api?: Hono<AppEnv>;
  /** Extra API prefixes claimed with `apiAt`. */
  extraApis: { prefix: string; hono: Hono<AppEnv> }[];
  digest: DigestSection<unknown>[];
  commands: PluginCommand<unknown>[];
  assets: Asset[];
}

export interface PluginSource {
  /** Folder with one sub-folder per plugin (default: the app's `plugins/`). */
  dir?: string;
  /** Definitions given directly (tests); used instead of discovering `dir`. */
  modules?: unknown[];
  /** `dir`'s plugins, already being imported (boot starts this while the database opens). */
  imported?: Promise<PluginCandidate[]>;
  /** `"*"` or the ids to enable (the PLUGINS variable). */
  enabled: "*" | string[];
}
