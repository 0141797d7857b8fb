import type { Context } from "hono";
import type { z } from "zod";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Child } from "../../views/html/jsx-runtime.ts";
import type { EndpointInput, EndpointSpec } from "../api/spec.ts";
import type { Clock } from "../clock.ts";
import type { Db, DbOrTx, Tx } from "../db/index.ts";
import type { DomainEvent, EventMap, EventType } from "../events/bus.ts";
import type { Access } from "../http/access.ts";
import type { AppEnv, Viewer } from "../http/env.ts";
import type { FlashKind } from "../http/flash.ts";
import type { PageOptions } from "../http/render.tsx";
import type { Logger } from "../log.ts";
import type { QueuedMail } from "../mail/outbox.ts";
import type { NewNotification } from "../notifications/notifications.ts";
import type { DemoOrg } from "../org/demo.ts";
import type { TeamSummary } from "../people/teams.ts";
import type { BusinessCalendarProvider, Provides, WritingLinter } from "./hooks.ts";

/** The plugin API version this core implements. Plugins declare a semver range they support. */
export const API_VERSION = "1.0.0";

/** A settings schema: a zod object whose every field has a default. */
export type SettingsSchema = z.ZodObject;

/** Services every plugin callback gets: in routes, jobs, event handlers, digests and commands. */
export interface PluginServices<S = Record<string, unknown>> {
  plugin: { id: string; name: string };
  db: Db;
  clock: Clock;
  logger: Logger;
  baseUrl: string;
  /** The plugin's current settings, validated, defaults filled in. */
  settings(): Promise<S>;
  /** Runs `fn` in a transaction; events emitted in it are dispatched after it commits. */
  transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R>;
  /** Stores an event with the change (pass the transaction). Handlers run after commit. */
  emit<T extends EventType>(tx: DbOrTx, type: T, payload: EventMap[T]): Promise<string>;
  /** Queues an email in the outbox (same transaction as the change, ideally). */
  queueMail(tx: DbOrTx, mail: QueuedMail): Promise<boolean>;
  /** The writing linter hook point (a plugin may provide the implementation). */
  writing: WritingLinter;
  /** The business calendar hook point (a plugin may provide the implementation). */
  calendar: BusinessCalendarProvider;
  teamsOf(personId: string): Promise<TeamSummary[]>;
  /**
   * Notifies a person in the portal (and by email with `email: true`). Pass the transaction of
   * the change; give a `dedupeKey` (e.g. the event id) so a retried handler notifies once.
   */
  notify(tx: DbOrTx, notification: NewNotification): Promise<boolean>;
  /** `notify` for many people in a few statements (a job alerting hundreds at once). Returns how many were new. */
  notifyMany(tx: DbOrTx, notifications: NewNotification[]): Promise<number>;
  /** Encrypts a secret the plugin must read back later (e.g. a feed URL); AES-256-GCM. */
  seal(plaintext: string): Promise<string>;
  /** Decrypts what `seal` produced; null when tampered with. */
  unseal(sealed: string): Promise<string | null>;
  /**
   * Runs work after the response (an import, a refresh) instead of making the request wait for
   * it. A stop waits for it; failures are logged. Show its progress from your own table.
   */
  background(name: string, work: () => Promise<unknown>): void;
  /**
   * Which of `personIds` some enabled plugin exempts from `kind` at `at` (e.g. a new hire's first
   * two weeks exempt them from "update-reminders" and "ask-escalations"). Empty when none does.
   */
  exempted(db: DbOrTx, kind: ExemptionKind, personIds: string[], at: Date): Promise<Set<string>>;
}

/** What people can be exempted from; core's plugins ask for these two, others may add kinds. */
export type ExemptionKind = "update-reminders" | "ask-escalations" | (string & {});

/**
 * A rule that exempts people from a kind of nudge for a while (registered with `api.exemption`);
 * other plugins ask through `s.exempted(kind, personIds, at)` before reminding or escalating.
 */
export interface Exemption<S> {
  id: string;
  /** The kinds this rule applies to. */
  kinds: ExemptionKind[];
  /** The subset of `personIds` exempt at `at`, read through `db` (the caller's transaction, if any). One query. */
  exempt(db: DbOrTx, personIds: string[], at: Date, s: PluginServices<S>): Promise<string[]>;
}

/** The draft an editor (the update composer, the brief editor …) shows editor panels. */
export interface EditorDraft {
  /** Which editor: `"status-update"`, `"brief"`, … */
  editor: string;
  /** The draft's stable reference inside that editor (an update period, a brief id). */
  ref: string;
  teamId: string;
  authorId: string;
  /** The draft as Markdown, as it stands now (editors re-render panels as people type). */
  text: string;
  /** The draft's bottom line, when the editor has one; "" otherwise. */
  bottomLine: string;
  /** Portal path where the author continues editing. */
  link: string;
}

/** A panel another plugin adds beside an editor's writing hints (registered with `api.editorPanel`). */
export interface EditorPanel<S> {
  id: string;
  order?: number;
  /** Editors it appears in (`["status-update", "brief"]`). */
  editors: string[];
  render(draft: EditorDraft, s: RequestServices<S>): Promise<SafeHtml | null>;
}

/** What a route handler gets besides Hono's context: the services plus the request's viewer. */
export interface RequestServices<S = Record<string, unknown>> extends PluginServices<S> {
  viewer: Viewer | null;
  /** The viewer's teams (empty when signed out). */
  myTeams(): Promise<TeamSummary[]>;
  /** Renders a page in the portal layout (or only the fragment for htmx). */
  page(body: Child, options: PageOptions): Response;
  /** 303 after a POST (or HX-Location for htmx). */
  redirect(to: string): Response;
  flash(kind: FlashKind, message: string): void;
  /**
   * Whether the viewer may open a page: the access rule its route declared, checked as the route
   * checks it. Show a link or button only when this is true.
   *
   * @example
   * {s.canOpen("/calendar-audit/report") ? <a href="/calendar-audit/report">Audit report</a> : null}
   */
  canOpen(path: string): boolean;
  /** Every enabled plugin's editor panels for this draft (an editor renders them beside its hints). */
  editorPanels(draft: EditorDraft): Promise<SafeHtml>;
}

export type PluginHandler<S> = (c: Context<AppEnv>, s: RequestServices<S>) => Response | Promise<Response>;

/**
 * The handler of a documented API endpoint: gets the validated body, query and path parameters
 * and returns the response body (checked against the endpoint's response schema, sent as JSON).
 * Expected refusals are `HttpError`s, as in any route.
 */
export type EndpointHandler<
  S,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
  Q extends z.ZodObject | undefined,
> = (input: EndpointInput<B, Q>, s: RequestServices<S>, c: Context<AppEnv>) => Promise<z.input<R>>;

/** Declares routes with access rules; paths are relative to the plugin's prefix. */
export type PluginRoutes<S> = {
  [M in "get" | "post" | "put" | "patch" | "delete"]: (
    path: string,
    access: Access,
    handler: PluginHandler<S>,
    /**
     * `maxBodyBytes` raises the 1 MB request-body limit for this route (uploads). `keepRendered`
     * lets the page cache keep a GET page per session until a table it read changes (see the
     * plugin guide: only for pages whose content comes from the database and the viewer).
     */
    options?: { maxBodyBytes?: number; keepRendered?: boolean },
  ) => PluginRoutes<S>;
};

export interface PluginJob<S> {
  /** Local to the plugin; the scheduler knows it as `<plugin-id>.<id>`. */
  id: string;
  schedule: string;
  timezone?: string;
  scope: "global" | "local";
  description?: string;
  run(s: PluginServices<S> & { slot: Date | null }): Promise<string | undefined>;
}

/** A section of a person's email digest. Return null when there is nothing to say. */
export interface DigestSection<S> {
  id: string;
  title: string;
  order?: number;
  render(
    person: { id: string; name: string; email: string; timeZone: string; role: string },
    period: { start: Date; end: Date; label: string; frequency: "weekly" | "daily" },
    s: PluginServices<S>,
  ): Promise<{ html: SafeHtml; text: string } | null>;
}

/**
 * A command for the `desktrust` command line, run as `desktrust <plugin-id>:<name>`.
 * Options are a zod object (`since` is `--since`); positionals arrive as `args._`.
 */
export interface PluginCommand<S> {
  /** The part after `<plugin-id>:`, kebab-case. */
  name: string;
  summary: string;
  options?: z.ZodObject;
  positionals?: { name: string; description: string; required?: boolean }[];
  /** Returns the exit code (default 0). */
  run(
    args: Record<string, unknown> & { _: string[] },
    s: PluginServices<S> & { out(line: string): void; fail(line: string): number },
  ): Promise<number | undefined>;
}

export interface PluginCard<S> {
  id: string;
  title: string;
  access: Access;
  order?: number;
  /**
   * When the card renders: `lazy` (the default) after the home page has loaded, fetched on its
   * own by htmx, so a slow card never holds the page; `eager` with the page, for a card that
   * needs no query.
   */
  loading?: "eager" | "lazy";
  render(c: Context<AppEnv>, s: RequestServices<S>): Promise<SafeHtml | null>;
}

/** What `setup` receives: registration calls. Everything registered is hidden while the plugin is disabled. */
export interface PluginSetup<S> {
  id: string;
  logger: Logger;
  /** Pages under `/<id>`. */
  pages(build: (r: PluginRoutes<S>) => void): void;
  /** JSON under `/api/<id>` (session cookie or API token). */
  api(build: (r: PluginRoutes<S>) => void): void;
  /**
   * JSON under another `/api/…` prefix, for compatibility with an existing protocol (e.g. the
   * ActivityWatch API at `/api/0`). The prefix must not be another plugin's `/api/<id>`; two
   * plugins claiming one prefix is refused.
   */
  apiAt(prefix: string, build: (r: PluginRoutes<S>) => void): void;
  /**
   * A documented JSON endpoint under `/api/<id>`: its access rule, the API-token scope it needs,
   * zod schemas for the body, query and response, and a summary. Requests are validated before
   * the handler runs, and the OpenAPI document at `/api/openapi.json` is generated from the same
   * schemas. Reads take the `"read"` scope; changes a `"<resource>:write"` scope of their own.
   *
   * @example
   * api.endpoint(
   *   {
   *     method: "post",
   *     path: "/kudos",
   *     scope: "kudos:write",
   *     access: "member",
   *     status: 201,
   *     summary: "Thank a teammate",
   *     body: z.object({ toId: z.uuid(), message: z.string().trim().min(3).max(500) }),
   *     response: z.object({ id: z.uuid(), createdAt: z.iso.datetime() }),
   *   },
   *   async ({ body }, s) => {
   *     const given = await giveKudos(s.db, { fromId: s.viewer!.id, ...body, at: s.clock.now() });
   *     return { id: given.id, createdAt: given.createdAt.toISOString() };
   *   },
   * );
   */
  endpoint<
    B extends z.ZodType | undefined = undefined,
    R extends z.ZodType = z.ZodType,
    Q extends z.ZodObject | undefined = undefined,
  >(spec: EndpointSpec<B, R, Q>, handler: EndpointHandler<S, B, R, Q>): void;
  /** A link in the navigation, shown to viewers the access rule allows. */
  nav(item: { href: string; label: string; access: Access; order?: number; section?: "main" | "admin" | "team" }): void;
  card(card: PluginCard<S>): void;
  job(job: PluginJob<S>): void;
  on<T extends EventType>(
    type: T,
    handler: { id: string; handle(event: DomainEvent<T>, s: PluginServices<S>): Promise<void> },
  ): void;
  digest(section: DigestSection<S>): void;
  command(command: PluginCommand<S>): void;
  /**
   * Adds demo data. `db` is the database itself, not a transaction: statements commit as they go
   * so the portal keeps serving while the demo loads; use `db.transaction` for steps that must
   * be atomic, and keep each statement small.
   */
  demo(contribute: (db: DbOrTx, demo: DemoOrg, s: PluginServices<S>) => Promise<void>): void;
  /** Exempts people from a kind of nudge while a condition holds (see `Exemption`). */
  exemption(exemption: Exemption<S>): void;
  /** A panel beside the writing hints of other plugins' editors (see `EditorPanel`). */
  editorPanel(panel: EditorPanel<S>): void;
  /**
   * Provides a hook point for every plugin. Pass the implementation, or a factory that receives
   * this plugin's services (called once setup has succeeded) when it needs the database.
   */
  provide<K extends keyof Provides>(
    hook: K,
    implementation: Provides[K] | ((s: PluginServices<S>) => Provides[K]),
  ): void;
}

export interface PluginDefinition<S = Record<string, unknown>> {
  /** kebab-case; names the Postgres schema (dashes become underscores), route prefix, logger tag and settings key. */
  id: string;
  name: string;
  version: string;
  /** A semver range of plugin API versions this plugin works with, e.g. `^1.0.0`. */
  apiVersion: string;
  description?: string;
  dependsOn?: string[];
  /** Absolute path of the plugin's drizzle-kit migrations folder, if it has tables. */
  migrations?: string;
  settings?: z.ZodType<S>;
  /**
   * Absolute paths of a stylesheet and a script the portal layout includes on every page while
   * the plugin is enabled, served at content-versioned URLs (no inline styles or scripts: the
   * CSP forbids them). Prefix your CSS classes with the plugin id.
   */
  assets?: { stylesheet?: string; script?: string };
  setup(api: PluginSetup<S>): void | Promise<void>;
}
