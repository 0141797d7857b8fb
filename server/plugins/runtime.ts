import { Hono } from "hono";
import type { z } from "zod";
import { type Asset, versioned } from "../../views/assets.ts";
import { raw } from "../../views/html/escape.ts";
import { endpointHandler } from "../api/endpoint.ts";
import type { EndpointSpec } from "../api/spec.ts";
import { writeScopePattern } from "../auth/api-scopes.ts";
import { chatTransport } from "../chat/transport.ts";
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/index.ts";
import { type AppliedMigrations, type MigrationReport, migrate } from "../db/migrate.ts";
import type { EventBus } from "../events/bus.ts";
import { declareRoute, declareRoutes, mayOpen } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { HttpError } from "../http/errors.ts";
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
  PluginCommand,
  PluginDefinition,
  PluginHandler,
  PluginRoutes,
  PluginServices,
  PluginSetup,
  RequestServices,
} from "./definition.ts";
import type { Provides, WritingLinter } from "./hooks.ts";

import { importPlugins, type PluginCandidate, resolvePlugins } from "./loader.ts";
import { pluginState } from "./schema.ts";

// Core's writing linter, used unless a plugin provides "writing.linter".
const coreLinter: WritingLinter = { lint: lintWriting };

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

const teamsPerRequest = new WeakMap<object, Promise<TeamSummary[]>>();

/**
 * Loads, migrates and sets up plugins, and answers "is this plugin on?" for every place that
 * shows plugin output (routes, nav, cards, jobs, events, digests). A plugin that fails to
 * load, migrate or set up is recorded as failed; the others carry on.
 */
export class PluginRuntime {
  readonly plugins: PluginRecord[] = [];
  private readonly provided = new Map<keyof Provides, unknown>();
  private readonly providers = new Map<keyof Provides, string>();
  private readonly exemptions: { owner: string; exemption: Exemption<unknown> }[] = [];
  private readonly editorPanelList: { owner: string; panel: EditorPanel<unknown> }[] = [];
  private state = new Map<string, { enabled: boolean; settings: Record<string, unknown> }>();
  private stateLoadedAt = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly scheduler: Scheduler,
    private readonly bus: EventBus,
    private readonly onMigrated: (report: MigrationReport) => void = () => {},
  ) {}

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

  /** Discovers, validates, orders, migrates and sets up plugins. */
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
      const blocked = (def?.dependsOn ?? []).find((d) => this.get(d)?.status !== "active");
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
   * disabled plugin, and its hooks are withdrawn), and so is a plugin that depends on it.
   * `applied`: what every migration set had applied, read once by boot.
   */
  async applyMigrations(applied?: AppliedMigrations): Promise<void> {
    for (const record of this.plugins) {
      const def = record.definition;
      if (record.status !== "active" || !def) continue;
      const blocked = (def.dependsOn ?? []).find((d) => this.get(d)?.status !== "active");
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
      await def.setup(this.setupApi(record, def, provided) as PluginSetup<never>);
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

  private setupApi(
    record: PluginRecord,
    def: PluginDefinition,
    provided: Map<keyof Provides, unknown>,
  ): PluginSetup<unknown> {
    const { ctx } = this;
    const id = def.id;
    const enabled = (): boolean => this.isEnabled(id);
    const guarded = (): Hono<AppEnv> => {
      const hono = new Hono<AppEnv>();
      hono.use(async function pluginEnabled(c, next) {
        if (!enabled()) throw new HttpError(404, `There is no page at ${c.req.path}.`);
        await next();
      });
      return hono;
    };
    const routesFor = (prefix: string, hono = guarded()): { hono: Hono<AppEnv>; routes: PluginRoutes<unknown> } => {
      const declared = declareRoutes(hono, ctx.routes, { prefix, owner: id });
      const routes = {} as PluginRoutes<unknown>;
      for (const method of ["get", "post", "put", "patch", "delete"] as const) {
        routes[method] = (path, access, handler, options) => {
          declared[method](path, access, (c) => handler(c, this.requestServices(id, c)));
          const fullPath = prefix + (path === "/" ? "" : path);
          if (options?.maxBodyBytes) ctx.routes.setBodyLimit(method.toUpperCase(), fullPath, options.maxBodyBytes);
          if (options?.keepRendered && method === "get") ctx.routes.keepRendered(fullPath);
          return routes;
        };
      }
      return { hono, routes };
    };
    const api: PluginSetup<unknown> = {
      id,
      logger: ctx.logger.child({ plugin: id }),
      pages: (build) => {
        const { hono, routes } = routesFor(`/${id}`);
        build(routes);
        record.pages = hono;
      },
      // `api` and `endpoint` share one sub-app under /api/<id>.
      api: (build) => {
        record.api ??= guarded();
        build(routesFor(`/api/${id}`, record.api).routes);
      },
      endpoint: (spec, handler) => {
        const endpoint = spec as EndpointSpec;
        const fits = endpoint.method === "get" ? endpoint.scope === "read" : writeScopePattern.test(endpoint.scope);
        if (!fits)
          throw new Error(
            `endpoint ${endpoint.method.toUpperCase()} ${endpoint.path}: a read needs the "read" scope, a change a "<resource>:write" scope, not "${endpoint.scope}"`,
          );
        record.api ??= guarded();
        const prefix = `/api/${id}`;
        const full = prefix + (endpoint.path === "/" ? "" : endpoint.path);
        if (ctx.routes.rules.some((r) => r.method === endpoint.method.toUpperCase() && r.path === full))
          throw new Error(`endpoint ${endpoint.method.toUpperCase()} ${full} is declared twice`);
        declareRoute(
          record.api,
          ctx.routes,
          { prefix, owner: id },
          {
            method: endpoint.method,
            path: endpoint.path,
            access: endpoint.access,
            scope: endpoint.scope,
            endpoint: { ...endpoint, path: full },
          },
          endpointHandler(endpoint, (input, c) =>
            (handler as (i: typeof input, s: RequestServices<unknown>, c: unknown) => Promise<unknown>)(
              input,
              this.requestServices(id, c),
              c,
            ),
          ),
        );
      },
      apiAt: (prefix, build) => {
        if (!/^\/api\/[a-z0-9][a-z0-9._-]*$/.test(prefix))
          throw new Error(`apiAt needs a prefix like /api/0, not "${prefix}"`);
        const taken = this.plugins.find(
          (p) => p.id !== id && (prefix === `/api/${p.id}` || p.extraApis.some((e) => e.prefix === prefix)),
        );
        if (taken) throw new Error(`the API prefix ${prefix} belongs to "${taken.id}"`);
        const { hono, routes } = routesFor(prefix);
        build(routes);
        record.extraApis.push({ prefix, hono });
      },
      nav: (item) => {
        ctx.nav.push({ ...item, order: item.order ?? 100, section: item.section ?? "main", enabled });
      },
      card: (card) => {
        ctx.cards.push({
          id: `${id}.${card.id}`,
          title: card.title,
          access: card.access,
          order: card.order ?? 100,
          loading: card.loading ?? "lazy",
          enabled,
          render: (c) => card.render(c, this.requestServices(id, c)),
        });
      },
      job: (job) => {
        this.scheduler.add({
          id: `${id}.${job.id}`,
          schedule: job.schedule,
          scope: job.scope,
          ...(job.timezone ? { timezone: job.timezone } : {}),
          ...(job.description ? { description: job.description } : {}),
          run: ({ slot }) => job.run({ ...this.services(id), slot }),
        });
      },
      on: (type, handler) => {
        this.bus.on({
          id: `${id}.${handler.id}`,
          type,
          handle: (event) => handler.handle(event as never, this.services(id)),
        });
      },
      digest: (section) => {
        record.digest.push(section as DigestSection<unknown>);
      },
      command: (command) => {
        record.commands.push(command as PluginCommand<unknown>);
      },
      demo: (contribute) => {
        ctx.demo.push({
          owner: id,
          contribute: async (tx, demo) => {
            if (enabled()) await contribute(tx, demo, this.services(id));
          },
        });
      },
      exemption: (exemption) => {
        this.exemptions.push({ owner: id, exemption: exemption as Exemption<unknown> });
      },
      editorPanel: (panel) => {
        this.editorPanelList.push({ owner: id, panel: panel as EditorPanel<unknown> });
      },
      provide: (hook, implementation) => {
        const owner = this.providers.get(hook);
        if (owner) throw new Error(`the "${hook}" hook is already provided by "${owner}"`);
        provided.set(hook, implementation);
      },
    };
    return api;
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
