import type { Hono } from "hono";
import type { z } from "zod";
import { versioned } from "../../views/assets.ts";
import { raw } from "../../views/html/escape.ts";
import { chatTransport } from "../chat/transport.ts";
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/index.ts";
import { type AppliedMigrations, type MigrationReport, migrate } from "../db/migrate.ts";
import type { EventBus } from "../events/bus.ts";
import { mayOpen } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { setFlash } from "../http/flash.ts";
import { page, redirect } from "../http/render.tsx";
import type { Scheduler } from "../jobs/scheduler.ts";
import { queueMail } from "../mail/outbox.ts";
import { notify, notifyMany } from "../notifications/notifications.ts";
import { audit } from "../org/audit.ts";
import { seal, unseal } from "../org/sealed.ts";
import type { TeamSummary } from "../people/teams.ts";
import { lintWriting } from "../writing/lint.ts";
import { defaultBusinessCalendar } from "./default-calendar.ts";
import type {
  DigestSection,
  EditorPanel,
  Exemption,
  PluginDefinition,
  PluginHandler,
  PluginServices,
  PluginSetup,
  RequestServices,
} from "./definition.ts";
import type { Provides, WritingLinter } from "./hooks.ts";

import { importPlugins, type PluginCandidate, resolvePlugins } from "./loader.ts";
import type { PluginRecord, PluginSource } from "./record.ts";
import { pluginState } from "./schema.ts";
import { type SetupHost, setupApi } from "./setup-api.ts";

// Core's writing linter, used unless a plugin provides "writing.linter".
const coreLinter: WritingLinter = { lint: lintWriting };

const teamsPerRequest = new WeakMap<object, Promise<TeamSummary[]>>();

/**
 * Loads, sets up and migrates plugins, and answers "is this plugin on?" for every place that
 * shows plugin output (routes, nav, cards, jobs, events, digests). A plugin that fails to
 * load, set up or migrate is recorded as failed; the others carry on.
 */
export class PluginRuntime {
  readonly plugins: PluginRecord[] = [];
  private readonly provided = new Map<keyof Provides, unknown>();
  private readonly providers = new Map<keyof Provides, string>();
  private readonly exemptions: { owner: string; exemption: Exemption<unknown> }[] = [];
  private readonly editorPanelList: { owner: string; panel: EditorPanel<unknown> }[] = [];
  private state = new Map<string, { enabled: boolean; settings: Record<string, unknown> }>();
  private stateLoadedAt = 0;
  /** What the registration calls reach of this runtime. */
  private readonly host: SetupHost;

  constructor(
    private readonly ctx: AppContext,
    scheduler: Scheduler,
    private readonly bus: EventBus,
    private readonly onMigrated: (report: MigrationReport) => void = () => {},
  ) {
    this.host = {
      ctx,
      scheduler,
      bus,
      plugins: this.plugins,
      isEnabled: (id) => this.isEnabled(id),
      services: (id) => this.services(id),
      requestServices: (id, c) => this.requestServices(id, c),
      providerOf: (hook) => this.providers.get(hook),
      exemptions: this.exemptions,
      editorPanels: this.editorPanelList,
    };
  }

  get(id: string): PluginRecord | undefined {
    return this.plugins.find((p) => p.id === id);
  }

  active(): PluginRecord[] {
    return this.plugins.filter((p) => p.status === "active");
  }

  /** Active and not switched off by an admin. */
  isEnabled(id: string): boolean {
    const plugin = this.get(id);
    return plugin?.status === "active" && (this.state.get(id)?.enabled ?? true);
  }

  /**
   * Re-reads toggles and settings when older than SETTINGS_CACHE_MS (0: on every read). Another
   * instance's change arrives sooner: it announces "plugins" and every instance forces a re-read.
   */
  async refreshState(force = false): Promise<void> {
    if (!force && Date.now() - this.stateLoadedAt < this.ctx.config.settingsCacheMs) return;
    const rows = await this.ctx.db.select().from(pluginState);
    this.state = new Map(rows.map((r) => [r.pluginId, { enabled: r.enabled, settings: r.settings }]));
    this.stateLoadedAt = Date.now();
  }

  /** A plugin's settings: stored values over the schema's defaults. */
  settingsOf<S>(id: string): S {
    const schema = this.get(id)?.definition?.settings as z.ZodType<S> | undefined;
    const stored = this.state.get(id)?.settings ?? {};
    if (!schema) return stored as S;
    const parsed = schema.safeParse(stored);
    // Values saved under an older schema may no longer fit: fall back to the defaults.
    return parsed.success ? parsed.data : (schema.parse({}) as S);
  }

  async saveSettings(id: string, settings: Record<string, unknown>, actorId: string): Promise<void> {
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction(async (tx) => {
      await tx
        .insert(pluginState)
        .values({ pluginId: id, settings, updatedAt: now, updatedBy: actorId })
        .onConflictDoUpdate({ target: pluginState.pluginId, set: { settings, updatedAt: now, updatedBy: actorId } });
      await audit(tx, { actorId, action: "plugin.settings-changed", target: id, details: settings, at: now });
    });
    await this.refreshState(true);
    await this.ctx.changes.announce("plugins");
  }

  async setEnabled(id: string, enabled: boolean, actorId: string): Promise<void> {
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction(async (tx) => {
      await tx
        .insert(pluginState)
        .values({ pluginId: id, enabled, updatedAt: now, updatedBy: actorId })
        .onConflictDoUpdate({ target: pluginState.pluginId, set: { enabled, updatedAt: now, updatedBy: actorId } });
      await audit(tx, { actorId, action: enabled ? "plugin.enabled" : "plugin.disabled", target: id, at: now });
    });
    await this.refreshState(true);
    await this.ctx.changes.announce("plugins");
  }

  provider<K extends keyof Provides>(hook: K): Provides[K] | undefined {
    return this.provided.get(hook) as Provides[K] | undefined;
  }

  /** A hook's implementation while the plugin providing it is enabled; undefined otherwise. */
  activeProvider<K extends keyof Provides>(hook: K): Provides[K] | undefined {
    const owner = this.providers.get(hook);
    return owner && this.isEnabled(owner) ? this.provider(hook) : undefined;
  }

  /** The services a plugin's callbacks receive. */
  services<S>(id: string): PluginServices<S> {
    const { ctx, bus } = this;
    const plugin = this.get(id);
    const chat = chatTransport(ctx.config);
    return {
      plugin: { id, name: plugin?.name ?? id },
      db: ctx.db,
      clock: ctx.clock,
      logger: ctx.logger.child({ plugin: id }),
      baseUrl: ctx.config.baseUrl,
      settings: async () => {
        await this.refreshState();
        return this.settingsOf<S>(id);
      },
      transaction: async <R>(fn: (tx: Tx) => Promise<R>): Promise<R> => {
        const result = await ctx.db.transaction(fn);
        bus.kick();
        return result;
      },
      emit: (tx, type, payload) => bus.emit(tx, type, payload, id),
      queueMail: (tx, mail) => queueMail(tx, mail, ctx.clock.now()),
      writing: { lint: (text, options) => (this.provider("writing.linter") ?? coreLinter).lint(text, options) },
      calendar: {
        forTeam: (teamId) => (this.provider("calendar.business") ?? defaultBusinessCalendar(ctx.db)).forTeam(teamId),
      },
      teamsOf: (personId) => ctx.memberships.of(personId),
      notify: (tx, notification) =>
        notify(tx, { ...notification, source: id, at: ctx.clock.now(), baseUrl: ctx.config.baseUrl, chat }),
      notifyMany: (tx, list) =>
        notifyMany(tx, list, { source: id, at: ctx.clock.now(), baseUrl: ctx.config.baseUrl, chat }),
      seal: (plaintext) => seal(ctx, plaintext),
      background: (name, work) => ctx.tasks.detach(`${id}: ${name}`, work),
      unseal: (sealed) => unseal(ctx, sealed),
      exempted: async (db, kind, personIds, at) => {
        const out = new Set<string>();
        if (!personIds.length) return out;
        for (const { owner, exemption } of this.exemptions) {
          if (!this.isEnabled(owner) || !exemption.kinds.includes(kind)) continue;
          for (const personId of await exemption.exempt(db, personIds, at, this.services(owner))) out.add(personId);
        }
        return out;
      },
    };
  }

  requestServices<S>(id: string, c: Parameters<PluginHandler<S>>[0]): RequestServices<S> {
    const viewer = c.get("viewer");
    return {
      ...this.services<S>(id),
      viewer,
      // Once per request: several cards and routes ask for the same list.
      myTeams: () => {
        let teams = teamsPerRequest.get(c);
        if (!teams) {
          teams = viewer ? this.ctx.memberships.of(viewer.id) : Promise.resolve([]);
          teamsPerRequest.set(c, teams);
        }
        return teams;
      },
      page: (body, options) => page(c, body, options),
      redirect: (to) => redirect(c, to),
      flash: (kind, message) => setFlash(c, kind, message),
      canOpen: (path) => mayOpen(this.ctx.routes, viewer, path),
      editorPanels: async (draft) => {
        const panels = this.editorPanelList
          .filter(({ owner, panel }) => this.isEnabled(owner) && panel.editors.includes(draft.editor))
          .sort((a, b) => (a.panel.order ?? 100) - (b.panel.order ?? 100));
        const html: string[] = [];
        for (const { owner, panel } of panels) {
          const out = await panel.render(draft, this.requestServices(owner, c));
          if (out) html.push(String(out));
        }
        return raw(html.join(""));
      },
    };
  }

  /**
   * Imports (unless given), resolves and sets up the plugins. Needs no database, so boot runs it
   * while the database opens; `applyMigrations` then migrates them before anything is served.
   */
  async setUp(source: PluginSource): Promise<void> {
    const candidates: PluginCandidate[] = source.modules
      ? source.modules.map((module) => ({ dir: null, module }))
      : source.dir
        ? await (source.imported ?? importPlugins(source.dir))
        : [];
    const wanted = (id: string): boolean => source.enabled === "*" || source.enabled.includes(id);
    const resolved = resolvePlugins(candidates);
    for (const found of resolved) {
      const def = found.status === "ready" ? found.definition : undefined;
      const record: PluginRecord = {
        id: found.id,
        name: def?.name ?? found.id,
        version: def?.version ?? "",
        description: def?.description ?? "",
        status: found.status === "refused" ? "refused" : "active",
        digest: [],
        commands: [],
        assets: [],
        extraApis: [],
        ...(found.status === "refused" ? { error: found.error } : {}),
        ...(def ? { definition: def } : {}),
      };
      this.plugins.push(record);
      if (found.status === "refused") {
        this.ctx.logger.warn("plugin refused", { plugin: found.id, error: found.error });
        continue;
      }
      if (!wanted(found.id)) {
        record.status = "not-enabled";
        continue;
      }
      const blocked = this.blockedBy(found.definition);
      if (blocked) {
        record.status = "refused";
        record.error = `depends on "${blocked}", which is ${this.get(blocked)?.status === "not-enabled" ? "not enabled (PLUGINS)" : "not running"}`;
        continue;
      }
      await this.start(record, found.definition);
    }
  }

  /**
   * Applies each set-up plugin's migrations, in load order, then reads toggles and settings. A
   * plugin whose migrations fail is failed (its routes, jobs and handlers stay off, as for a
   * disabled plugin, and its hooks are withdrawn); a plugin that depends on it is refused.
   * `applied`: what every migration set had applied, read once by boot.
   */
  async applyMigrations(applied?: AppliedMigrations): Promise<void> {
    for (const record of this.plugins) {
      const def = record.definition;
      if (record.status !== "active" || !def) continue;
      const blocked = this.blockedBy(def);
      if (blocked) {
        record.status = "refused";
        record.error = `depends on "${blocked}", which is not running`;
        this.withdrawHooks(def.id);
        continue;
      }
      if (!def.migrations) continue;
      try {
        this.onMigrated(await migrate(this.ctx.db, { owner: def.id, folder: def.migrations }, applied));
      } catch (error) {
        this.fail(record, error);
        this.withdrawHooks(def.id);
      }
    }
    await this.refreshState(true);
  }

  /** The first plugin this one depends on that is not running. */
  private blockedBy(def: PluginDefinition): string | undefined {
    return (def.dependsOn ?? []).find((d) => this.get(d)?.status !== "active");
  }

  private withdrawHooks(pluginId: string): void {
    for (const [hook, owner] of this.providers) {
      if (owner !== pluginId) continue;
      this.providers.delete(hook);
      this.provided.delete(hook);
    }
  }

  private async start(record: PluginRecord, def: PluginDefinition): Promise<void> {
    try {
      if (def.settings && !def.settings.safeParse({}).success) {
        throw new Error("its settings schema must give every field a default (settings.parse({}) fails)");
      }
      if (def.assets?.stylesheet)
        record.assets.push(versioned(`${def.id}.css`, def.assets.stylesheet, "text/css; charset=utf-8"));
      if (def.assets?.script)
        record.assets.push(versioned(`${def.id}.js`, def.assets.script, "text/javascript; charset=utf-8"));
      const provided = new Map<keyof Provides, unknown>();
      await def.setup(setupApi(this.host, record, def, provided) as PluginSetup<never>);
      // Hook implementations count only once setup has succeeded.
      for (const [hook, provision] of provided) {
        const implementation = typeof provision === "function" ? provision(this.services(def.id)) : provision;
        this.provided.set(hook, implementation);
        this.providers.set(hook, def.id);
      }
    } catch (error) {
      this.fail(record, error);
    }
  }

  private fail(record: PluginRecord, error: unknown): void {
    record.status = "failed";
    record.error = error instanceof Error ? error.message : String(error);
    this.ctx.logger.error("plugin failed to start", { plugin: record.id, error });
  }

  /** Mounts every started plugin's pages and API (each answers 404 while its plugin is disabled). */
  mount(app: Hono<AppEnv>): void {
    for (const asset of this.plugins.flatMap((p) => p.assets)) {
      app.get(asset.path, (c) => {
        c.header("Cache-Control", "public, max-age=31536000, immutable");
        c.header("Content-Type", asset.type);
        return c.body(asset.body as Uint8Array<ArrayBuffer>);
      });
    }
    for (const plugin of this.plugins) {
      if (plugin.pages) app.route(`/${plugin.id}`, plugin.pages);
      if (plugin.api) app.route(`/api/${plugin.id}`, plugin.api);
      for (const extra of plugin.extraApis) app.route(extra.prefix, extra.hono);
    }
  }

  /** Stylesheet and script URLs of enabled plugins, for the layout. */
  pageAssets(): { stylesheets: string[]; scripts: string[] } {
    const enabled = this.active().filter((p) => this.isEnabled(p.id));
    const of = (ext: string): string[] =>
      enabled.flatMap((p) => p.assets.filter((a) => a.path.endsWith(ext)).map((a) => a.path));
    return { stylesheets: of(".css"), scripts: of(".js") };
  }

  /** Digest sections of enabled plugins, in plugin order then section order. */
  digestSections(): { pluginId: string; section: DigestSection<unknown> }[] {
    return this.active()
      .filter((p) => this.isEnabled(p.id))
      .flatMap((p) =>
        [...p.digest]
          .sort((a, b) => (a.order ?? 100) - (b.order ?? 100))
          .map((section) => ({ pluginId: p.id, section })),
      );
  }

  /** Whether a job or handler id (`<plugin>.<name>` or `core.<name>`) may run now. */
  ownerEnabled(qualifiedId: string): boolean {
    const owner = qualifiedId.split(".")[0] ?? "";
    return owner === "core" || this.isEnabled(owner);
  }
}
