/**
 * The public plugin API: the one module a plugin imports from core.
 *
 * A plugin is a folder `plugins/<id>/` whose `index.ts` default-exports `definePlugin({...})`.
 * See docs/plugins.md for a walk-through from an empty folder.
 */
import { pgSchema } from "drizzle-orm/pg-core";
import type { PluginDefinition } from "./plugins/definition.ts";
import { pluginSchemaName } from "./plugins/loader.ts";

/**
 * The shapes of a plugin: its definition, what `setup` may register, and the services every
 * callback receives. `RequestServices` adds the viewer and page helpers in route handlers.
 *
 * @example
 * const section: DigestSection<MySettings> = {
 *   id: "mine",
 *   title: "My section",
 *   async render(person, period, s) {
 *     const n = await countFor(s.db, person.id, period.start, period.end);
 *     return n ? { html: <p>{n} new things</p>, text: `${n} new things` } : null;
 *   },
 * };
 * const handler: PluginHandler<MySettings> = async (c, s) => s.page(<p>Hi {s.viewer?.name}</p>, { title: "Hi" });
 */
/**
 * Exemptions: a plugin says who is exempt from a kind of nudge (`api.exemption`), and a plugin
 * about to remind or escalate asks first (`s.exempted`). Core's kinds are `"update-reminders"`
 * and `"ask-escalations"`; any plugin may name more.
 *
 * @example
 * api.exemption({
 *   id: "onboarding",
 *   kinds: ["update-reminders", "ask-escalations"] satisfies ExemptionKind[],
 *   exempt: async (db, ids, at) => newHiresAmong(db, ids, at),
 * });
 * const skip: Set<string> = await s.exempted(s.db, "update-reminders", dueIds, s.clock.now());
 * const rule: Exemption<MySettings> = { id: "parental-leave", kinds: ["update-reminders"], exempt: async () => [] };
 */
/**
 * Editor panels: a plugin adds a panel beside another plugin's writing hints (`api.editorPanel`),
 * and an editor renders every panel for its draft (`await s.editorPanels(draft)`), re-rendering
 * as people type. The status-update composer passes `editor: "status-update"`.
 *
 * @example
 * api.editorPanel({
 *   id: "review",
 *   editors: ["status-update", "brief"],
 *   render: async (draft: EditorDraft, s) => <p>{draft.text.length} characters so far</p>,
 * });
 * // in an editor:
 * const panels = await s.editorPanels({ editor: "brief", ref: brief.id, teamId, authorId, text, bottomLine, link });
 * const panel: EditorPanel<MySettings> = { id: "x", editors: ["brief"], render: async () => null };
 */
/**
 * Documented API endpoints (`api.endpoint`): the spec (method, path, scope, access, zod schemas
 * for body, query and response, summary), the validated input a handler gets, and the handler.
 * The OpenAPI document at `/api/openapi.json` and the page `/api/docs` are generated from them.
 *
 * @example
 * const spec: EndpointSpec = { method: "get", path: "/kudos", scope: "read", access: "member", summary: "Recent kudos", response: z.object({ kudos: z.array(z.string()) }) };
 * const handler: EndpointHandler<MySettings, undefined, typeof spec.response, undefined> = async (_input: EndpointInput<undefined, undefined>, s) => ({ kudos: [] });
 */
export type { EndpointInput, EndpointSpec } from "./api/spec.ts";
export type { Clock } from "./clock.ts";
/**
 * The database handles: `Db` for queries, `Tx` inside `s.transaction`, `DbOrTx` for helpers
 * that work in either. Same API on PGlite and Postgres.
 *
 * @example
 * export async function giveKudos(db: DbOrTx, row: NewKudos): Promise<void> {
 *   await db.insert(kudos).values(row);
 * }
 */
export type { Db, DbOrTx, Tx } from "./db/index.ts";
/**
 * Events: `EventMap` lists every event type and its payload (extend it by declaration
 * merging); handlers receive a `DomainEvent` whose `id` is stable across retries.
 *
 * @example
 * declare module "../../server/plugin-api.ts" {
 *   interface EventMap { "kudos.given": { kudosId: string; fromId: string; toId: string } }
 * }
 * api.on("kudos.given", { id: "notify", handle: async (event: DomainEvent<"kudos.given">, s) => notify(event.payload) });
 */
export type { DomainEvent, EventMap, EventType } from "./events/bus.ts";
/**
 * Who may call a route (`"public" | "signed-in" | "token" | "member" | "manager" | "admin" |
 * "owner"`), and the signed-in person as routes see them.
 *
 * @example
 * r.get("/report", "manager" satisfies Access, async (c, s) => s.page(<Report for={(s.viewer as Viewer).id} />, { title: "Report" }));
 */
export type { Access } from "./http/access.ts";
export type { Viewer } from "./http/env.ts";
/**
 * Supporting types: field errors for forms, the injectable clock, the structured logger, an
 * outbox message, an in-app notification, the demo organization, team summaries and members.
 *
 * @example
 * const errors: FieldErrors = { message: "Say what they did." };
 * s.logger.info("kudos given", { at: s.clock.now().toISOString() });
 * const note: NewNotification = { personId, title: "You got kudos", link: "/kudos", dedupeKey: event.id };
 * const mail: QueuedMail = { dedupeKey: `kudos:${event.id}`, to, subject: "Kudos", text: "…" };
 * api.demo(async (tx, demo: DemoOrg) => seed(tx, demo.teams.map((t: { id: string }) => t.id)));
 * const mine: TeamSummary[] = await s.myTeams(); const members: TeamMember[] = await membersOf(s.db, teamId);
 */
export type { FieldErrors } from "./http/errors.ts";
export type { Logger } from "./log.ts";
export type { QueuedMail } from "./mail/outbox.ts";
export type { NewNotification } from "./notifications/notifications.ts";
export type { NotificationKind } from "./notifications/preferences.ts";
export type { DemoOrg } from "./org/demo.ts";
export type { TeamMember, TeamSummary } from "./people/teams.ts";
export type {
  DigestSection,
  EditorDraft,
  EditorPanel,
  EndpointHandler,
  Exemption,
  ExemptionKind,
  PluginCard,
  PluginCommand,
  PluginDefinition,
  PluginHandler,
  PluginJob,
  PluginRoutes,
  PluginServices,
  PluginSetup,
  RequestServices,
  SettingsSchema,
} from "./plugins/definition.ts";
/**
 * The plugin API version this core implements (semver). A plugin declares the range it
 * supports in `apiVersion`; a plugin whose range excludes this version is refused at boot.
 *
 * @example
 * definePlugin({ id: "hello", apiVersion: "^1.0.0", ... }); // runs on 1.x, refused on 2.0.0
 */
export { API_VERSION } from "./plugins/definition.ts";
/**
 * Hook points a plugin can provide for everyone (`api.provide`) and use (`s.writing`,
 * `s.calendar`): the writing linter and the business calendar; and "status.team-updates",
 * which core's chat posts read (a team's period, its bottom lines, one person's state).
 *
 * @example
 * api.provide("calendar.business", { forTeam: async (teamId) => loadCalendar(teamId) });
 * const hints: WritingHint[] = s.writing.lint(draft);
 */
export type {
  BusinessCalendar,
  BusinessCalendarProvider,
  ChatAsks,
  ChatForm,
  ChatFormField,
  ChatOutcome,
  ChatUpdates,
  Provides,
  TeamBottomLine,
  TeamUpdatePeriod,
  TeamUpdatesProvider,
  WritingHint,
  WritingLinter,
} from "./plugins/hooks.ts";

/**
 * Declares a plugin. The loader validates the manifest (kebab-case `id`, `apiVersion` range,
 * `dependsOn`), runs its migrations in its own schema, then calls `setup` with registration calls.
 *
 * @example
 * import { definePlugin } from "../../server/plugin-api.ts";
 * import { z } from "zod";
 *
 * export default definePlugin({
 *   id: "hello",
 *   name: "Hello",
 *   version: "1.0.0",
 *   apiVersion: "^1.0.0",
 *   settings: z.object({ greeting: z.string().default("Hello") }),
 *   setup(api) {
 *     api.pages((r) => r.get("/", "member", async (c, s) => s.page(<p>{(await s.settings()).greeting}</p>, { title: "Hello" })));
 *     api.nav({ href: "/hello", label: "Hello", access: "member" });
 *   },
 * });
 */
export function definePlugin<S = Record<string, unknown>>(definition: PluginDefinition<S>): PluginDefinition<S> {
  return definition;
}

/**
 * The Postgres schema for a plugin's tables (its id, dashes as underscores). Define every
 * table of the plugin with it so the plugin's data stays in its own schema.
 *
 * @example
 * const kudosSchema = pluginSchema("kudos");
 * export const kudos = kudosSchema.table("kudos", { id: uuid("id").primaryKey().defaultRandom() });
 */
export function pluginSchema(id: string): ReturnType<typeof pgSchema> {
  return pgSchema(pluginSchemaName(id));
}

/**
 * Shared view components, so plugin pages look like the rest of the portal.
 *
 * @example
 * <PageHeader title="Kudos" />
 * <EmptyState title="No kudos yet."><p>Be the first.</p></EmptyState>
 */
export { ActionButton, Avatar, EmptyState, Field, FormErrors, PageHeader, Select } from "../views/components.tsx";
/**
 * Formats an instant in a time zone for people ("Mon 2 Mar 2026, 09:00").
 *
 * @example
 * <time datetime={at.toISOString()}>{formatInstant(at, s.viewer.timeZone)}</time>
 */
export {
  formatClock,
  formatDate,
  formatDayMonth,
  formatInstant,
  formatInstantDay,
  formatShortDate,
} from "../views/format.ts";
export type { SafeHtml } from "../views/html/escape.ts";
/**
 * Trusted HTML (sanitized Markdown, server-built SVG) that the JSX renderer must not escape.
 * Never pass user input to it unsanitized.
 *
 * @example
 * <div class="chart">{raw(svg)}</div>
 */
export { raw } from "../views/html/escape.ts";
/**
 * Rows of a raw `db.execute(sql\`…\`)` on either driver (postgres.js returns an array, PGlite `{ rows }`).
 *
 * @example
 * const rows = rowsOf<{ n: number }>(await s.db.execute(sql`select count(*)::int as n from kudos.kudos`));
 */
export { instant, rowsOf } from "./db/rows.ts";
/**
 * Whether a viewer has a role or a higher one (owner ⊇ admin ⊇ manager ⊇ member). Compare roles
 * with this, never with `===`, so a higher role never gets less than a lower one.
 *
 * @example
 * if (!hasRole(s.viewer, "admin")) throw new HttpError(403, "Only admins can change this.");
 */
/**
 * The signed-in person of a request, typed as present; a 401 when there is none (routes for
 * "member" and up never get that far without one).
 *
 * @example
 * const viewer = requireViewer(s);
 * await saveDraft(s.db, { authorId: viewer.id, ... });
 */
export { hasRole, requireViewer } from "./http/access.ts";
/**
 * The error a route throws for an expected failure; core renders it as a page, an htmx
 * fragment or JSON under `/api`.
 *
 * @example
 * if (!isMember) throw new HttpError(403, "You are not on this team.");
 */
export { HttpError } from "./http/errors.ts";
/**
 * Reads and validates a form or JSON body with a zod schema; on failure gives field errors to
 * re-render with status 422.
 *
 * @example
 * const form = await readForm(c, z.object({ message: z.string().trim().min(1) }));
 * if (!form.ok) return s.page(<MyForm errors={form.errors} />, { title: "New", status: 422 });
 */
export { email as emailField, readForm, text as textField, timeZone as timeZoneField } from "./http/forms.ts";
export type { DuePerson, LocalSchedule } from "./jobs/person-schedule.ts";
/**
 * Person-local schedules: people whose local time passed e.g. Monday 08:00 and who were not
 * handled yet this period; claim each before acting so instances never both act.
 *
 * @example
 * for (const due of await peopleDue(s.db, { key: "kudos.reminder", weekday: 5, time: "15:00" }, s.clock.now())) {
 *   if (await claimPersonPeriod(s.db, "kudos.reminder", due.personId, due.period)) await remind(due.personId);
 * }
 */
export { claimPersonPeriod, latestOccurrence, peopleDue } from "./jobs/person-schedule.ts";
/**
 * A library loaded on first use rather than at start (see server/lazy.ts).
 *
 * @example
 * const parser = onFirstUse(() => (require("big-parser") as typeof import("big-parser")).parse);
 * parser()(text);
 */
export { onFirstUse } from "./lazy.ts";
/**
 * User Markdown to sanitized HTML (GitHub-flavoured; scripts, handlers, styles and
 * `javascript:` links removed), and to plain text for snippets, digests and the linter.
 *
 * @example
 * <article class="update-body">{renderMarkdown(update.body)}</article>
 */
export { markdownToText, renderMarkdown } from "./markdown/markdown.ts";
/**
 * The organization (one row: name, internal email domains, default time zone), read-only.
 *
 * @example
 * const [org] = await s.db.select({ domains: organization.emailDomains }).from(organization);
 */
export { organization } from "./org/schema.ts";
/**
 * Long work on the request thread (generating demo rows, composing many documents) in pieces of
 * a few milliseconds: `yieldToRequests` lets waiting requests run before going on; `pacer` does
 * so inside a tight loop once a few milliseconds have passed (see server/pace.ts).
 *
 * @example
 * const pause = pacer();
 * for (const slot of slots) {
 *   await pause();
 *   rows.push(generate(slot));
 * }
 */
export { pacer, yieldToRequests } from "./pace.ts";
/**
 * Times in a person's or team's zone: read a `datetime-local` value as an instant, show an
 * instant in such an input, check a "YYYY-MM-DD" date, and check a route id before a query.
 *
 * @example
 * const startsAt = instantFromLocal(form.startsAt, s.viewer.timeZone); // null when not a real local time
 * <input type="datetime-local" value={toLocalInput(brief.deadline, s.viewer.timeZone)} />
 * if (!isUuid(c.req.param("id"))) throw new HttpError(404, "Brief not found.");
 */
export { instantFromLocal, isCalendarDate, toLocalInput } from "./people/local-time.ts";
export { isUuid } from "./people/people.ts";
/**
 * Core tables a plugin may read (and join) but should not write: people, teams, memberships,
 * holidays and out-of-office periods.
 *
 * @example
 * const active = await s.db.select().from(people).where(eq(people.status, "active"));
 */
export { outOfOffice, people, teamHolidays, teamMembers, teams } from "./people/schema.ts";
/**
 * Team look-ups for access checks and pages.
 *
 * @example
 * if (!(await isTeamMember(s.db, teamId, s.viewer.id))) throw new HttpError(403, "Not your team.");
 */
export { isTeamMember, membersOf, teamsOf } from "./people/teams.ts";
/**
 * The writing linter: hints (never errors) about BLUF, asks (@name and a "by when"), long
 * sentences, passive voice and readability. `s.writing.lint` calls it (or a plugin's
 * replacement); `mentionedHandles`/`handleOf` resolve `@name` to people by their email's local part.
 *
 * @example
 * const hints: WritingHint[] = lintWriting(body, { kind: "status" });
 * // kinds: "status" (a whole update), "bottom-line", "ask", or prose rules only
 */
export { handleOf, lintWriting, mentionedHandles } from "./writing/lint.ts";
