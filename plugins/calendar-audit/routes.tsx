import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import {
  EmptyState,
  type FieldErrors,
  FormErrors,
  formatInstant,
  HttpError,
  PageHeader,
  type PluginRoutes,
  readForm,
  requireViewer,
  type SafeHtml,
} from "../../server/plugin-api.ts";
import { isAdmin, type Services, uuidParam, visibleTeamIds } from "./access.ts";
import { type SeriesView, seriesViews } from "./analysis.ts";
import { categoryLabels } from "./classify.ts";
import { checkFeedUrl, maskFeedUrl, refreshDueFeeds } from "./feeds.ts";
import { startImport } from "./importer.ts";
import { type CalendarImport, calendarImportColumns, calendarImports, calendarSources } from "./schema.ts";
import type { CalendarAuditSettings } from "./settings.ts";

/** The largest file the upload form accepts (the portal's request limit may be lower). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** One upload request may carry several files of up to 20 MB each. */
export const MAX_UPLOAD_REQUEST_BYTES = 64 * 1024 * 1024;

export function money(value: number, currency: string): string {
  return `${currency}${Math.round(value).toLocaleString("en")}`;
}

export function SeriesTable(props: { views: SeriesView[]; currency: string }): SafeHtml {
  if (!props.views.length) {
    return (
      <EmptyState title="No recurring meetings imported yet.">
        <p>Upload an .ics export or add a calendar feed above.</p>
      </EmptyState>
    );
  }
  return (
    <div class="table-wrap">
      <table class="calendar-audit-table">
        <caption class="visually-hidden">Recurring meetings, heaviest first</caption>
        <thead>
          <tr>
            <th scope="col">Meeting</th>
            <th scope="col">Cadence</th>
            <th scope="col">Length</th>
            <th scope="col">People (outside)</th>
            <th scope="col">Attendee-h / week</th>
            <th scope="col">Cost / month</th>
            <th scope="col">Kind</th>
            <th scope="col">Recommendation</th>
          </tr>
        </thead>
        <tbody>
          {props.views.map((v) => (
            <tr>
              <th scope="row" class="cell-name">
                <a href={`/calendar-audit/series/${v.series.id}`}>{v.series.summary}</a>
                {v.flags.length ? <div class="small muted calendar-audit-flags">{v.flags.join(" · ")}</div> : null}
              </th>
              <td data-label="Cadence">{v.series.cadence}</td>
              <td data-label="Length">{v.series.durationMinutes} min</td>
              <td data-label="People (outside)">
                {v.internal + v.external}
                {v.external ? ` (${v.external})` : ""}
              </td>
              <td data-label="Attendee-h / week">{v.attendeeHoursPerWeek.toFixed(1)}</td>
              <td data-label="Cost / month">{money(v.costPerMonth, props.currency)}</td>
              <td data-label="Kind">
                {categoryLabels[v.category]}
                {v.series.overrideCategory ? " (set by a manager)" : ` (${Math.round(v.series.confidence * 100)} %)`}
              </td>
              <td data-label="Recommendation">
                {v.series.outcome !== "active" ? (
                  <span class="badge">{v.series.outcome}</span>
                ) : (
                  <span class={`badge calendar-audit-${v.recommendation.action}`}>{v.recommendation.action}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ImportStatus(props: { row: CalendarImport; link?: boolean }): SafeHtml {
  const r = props.row;
  const live = r.status === "queued" || r.status === "running";
  return (
    <div
      id={`import-${r.id}`}
      class="calendar-audit-import"
      hx-get={live ? `/calendar-audit/imports/${r.id}` : undefined}
      hx-trigger={live ? "every 1s" : undefined}
      hx-swap={live ? "outerHTML" : undefined}
      hx-select={live ? `#import-${r.id}` : undefined}
      aria-live="polite"
    >
      <p>
        <strong>{props.link ? <a href={`/calendar-audit/imports/${r.id}`}>{r.fileName}</a> : r.fileName}</strong>:{" "}
        {r.status}
        {live ? ` (${r.progress} %)` : ""}
      </p>
      <progress max="100" value={String(r.progress)} aria-label={`Import of ${r.fileName}`}>
        {r.progress} %
      </progress>
      {r.message ? <p>{r.message}</p> : null}
      {r.problems.length ? (
        <details>
          <summary>{r.problems.length} notes about this file</summary>
          <ul class="small">
            {r.problems.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

const feedSchema = z.object({
  name: z.string().trim().min(1, "Give the feed a name.").max(100, "Keep the name under 100 characters."),
  url: z.string().trim().min(1, "Paste the secret iCal address.").max(2000, "That URL is too long."),
  target: z.string().trim().min(1, "Choose whose calendar this is."),
});

async function targetOf(
  s: Services,
  target: string,
): Promise<{ personId: string | null; teamId: string | null } | null> {
  const viewer = s.viewer;
  if (!viewer) return null;
  if (target === "me") return { personId: viewer.id, teamId: null };
  const teams = await s.myTeams();
  const team = teams.find((t) => t.id === target);
  if (team && (team.isManager || isAdmin(s))) return { personId: null, teamId: team.id };
  return null;
}

/** Series listed on the overview; the report has them all. */
const SERIES_SHOWN = 50;

async function indexPage(
  s: Services,
  errors: FieldErrors = {},
  values: Record<string, string> = {},
  status: 200 | 422 = 200,
) {
  const settings = await s.settings();
  const viewer = requireViewer(s);
  const teams = await s.myTeams();
  const listed = await seriesViews(s.db, settings, {
    now: s.clock.now(),
    teamIds: (await visibleTeamIds(s)) ?? undefined,
    viewerId: viewer.id,
    limit: SERIES_SHOWN + 1,
  });
  const more = listed.length > SERIES_SHOWN;
  const views = listed.slice(0, SERIES_SHOWN).sort((a, b) => b.attendeeHoursPerWeek - a.attendeeHoursPerWeek);
  const sources = await s.db
    .select()
    .from(calendarSources)
    .where(isAdmin(s) ? undefined : eq(calendarSources.createdBy, viewer.id))
    .orderBy(desc(calendarSources.createdAt))
    .limit(50);
  const imports = sources.length
    ? await s.db
        .select(calendarImportColumns)
        .from(calendarImports)
        .where(
          inArray(
            calendarImports.sourceId,
            sources.map((x) => x.id),
          ),
        )
        .orderBy(desc(calendarImports.createdAt))
        .limit(5)
    : [];
  const targets = [
    { value: "me", label: "My calendar" },
    ...teams.filter((t) => t.isManager || isAdmin(s)).map((t) => ({ value: t.id, label: `Team: ${t.name}` })),
  ];
  const targetSelect = (name: string, id: string) => (
    <div class="field">
      <label for={id}>Whose calendar</label>
      <select id={id} name={name}>
        {targets.map((t) => (
          <option value={t.value} selected={values.target === t.value}>
            {t.label}
          </option>
        ))}
      </select>
    </div>
  );
  return s.page(
    <>
      <PageHeader title="Meeting audit">
        {s.canOpen("/calendar-audit/report") ? (
          <a class="button button-secondary" href="/calendar-audit/report">
            Audit report
          </a>
        ) : null}
        {s.canOpen("/calendar-audit/tracker") ? (
          <a class="button button-secondary" href="/calendar-audit/tracker">
            Transition tracker
          </a>
        ) : null}
      </PageHeader>
      <p class="muted">
        Which recurring meetings to keep, convert to a written practice, or stop. Many teams find 30–40 % of their
        recurring meetings can go: measure it for yours.
      </p>
      <div class="split align-start">
        <section class="card" aria-labelledby="ca-upload">
          <h2 id="ca-upload">Upload calendars</h2>
          <form
            method="post"
            action="/calendar-audit/upload"
            enctype="multipart/form-data"
            class="stack"
            hx-boost="false"
          >
            <FormErrors errors={errors.files ? { files: errors.files } : {}} />
            <div class={errors.files ? "field has-error" : "field"}>
              <label for="ca-files">.ics files (several at once)</label>
              <input id="ca-files" type="file" name="files" accept=".ics,text/calendar" multiple required />
              <p class="hint">Export from Google Calendar, Outlook or Nextcloud.</p>
              {errors.files ? <p class="field-error">{errors.files}</p> : null}
            </div>
            {targetSelect("target", "ca-upload-target")}
            <button type="submit">Import</button>
          </form>
          {imports.length ? (
            <>
              <h3 class="calendar-audit-recent">Recent imports</h3>
              {imports.map((row) => (
                <ImportStatus row={row} link />
              ))}
            </>
          ) : null}
        </section>
        <section class="card" aria-labelledby="ca-feeds">
          <h2 id="ca-feeds">Calendar feeds</h2>
          <form method="post" action="/calendar-audit/feeds" class="stack">
            <FormErrors errors={errors.url || errors.name ? errors : {}} />
            <div class={errors.name ? "field has-error" : "field"}>
              <label for="ca-feed-name">Name</label>
              <input id="ca-feed-name" name="name" value={values.name ?? ""} />
              {errors.name ? <p class="field-error">{errors.name}</p> : null}
            </div>
            <div class={errors.url ? "field has-error" : "field"}>
              <label for="ca-feed-url">Secret iCal address</label>
              <input id="ca-feed-url" name="url" type="url" autocomplete="off" />
              <p class="hint">Stored encrypted and never shown again in full.</p>
              {errors.url ? <p class="field-error">{errors.url}</p> : null}
            </div>
            {targetSelect("target", "ca-feed-target")}
            <button type="submit">Add feed</button>
          </form>
          {sources.some((x) => x.kind === "feed") ? (
            <ul class="plain-list">
              {sources
                .filter((x) => x.kind === "feed")
                .map((x) => (
                  <li>
                    <strong>{x.name}</strong> <code>{x.feedUrlMasked}</code> <span class="badge">{x.status}</span>
                    {x.lastError ? <p class="small">Last error: {x.lastError}</p> : null}
                    {x.lastFetchedAt ? (
                      <p class="small muted">Fetched {formatInstant(x.lastFetchedAt, viewer.timeZone)}</p>
                    ) : null}
                  </li>
                ))}
            </ul>
          ) : null}
        </section>
      </div>
      <section aria-labelledby="ca-series">
        <h2 id="ca-series">Recurring meetings</h2>
        {more ? (
          <p class="muted">
            The {SERIES_SHOWN} recurring meetings with the most attendee time.
            {s.canOpen("/calendar-audit/report") ? (
              <>
                {" "}
                Every meeting is in the <a href="/calendar-audit/report">audit report</a>.
              </>
            ) : null}
          </p>
        ) : null}
        <SeriesTable views={views} currency={settings.currency} />
      </section>
    </>,
    { title: "Meeting audit", status },
  );
}

export function calendarAuditPages(r: PluginRoutes<CalendarAuditSettings>): void {
  r.get("/", "member", (_c, s) => indexPage(s), { keepRendered: true });

  r.post(
    "/upload",
    "member",
    async (c, s) => {
      const viewer = requireViewer(s);
      let body: Record<string, string | File | (string | File)[]>;
      try {
        body = await c.req.parseBody({ all: true });
      } catch (error) {
        throw new HttpError(400, "The upload could not be read.", { cause: error });
      }
      const files = ([] as (string | File)[])
        .concat(body.files ?? [])
        .filter((f): f is File => f instanceof File && f.size > 0);
      const target = typeof body.target === "string" ? body.target : "";
      if (!files.length) return indexPage(s, { files: "Choose one or more .ics files." }, { target }, 422);
      const owner = await targetOf(s, target);
      if (!owner) return indexPage(s, { files: "Choose your own calendar or a team you manage." }, { target }, 422);
      const texts: { name: string; text: string }[] = [];
      for (const file of files) {
        if (file.size > MAX_UPLOAD_BYTES)
          return indexPage(s, { files: `${file.name} is larger than 20 MB.` }, { target }, 422);
        const text = await file.text();
        if (!/^\uFEFF?\s*BEGIN:VCALENDAR/i.test(text.slice(0, 1024))) {
          return indexPage(s, { files: `${file.name} is not an iCalendar (.ics) file.` }, { target }, 422);
        }
        texts.push({ name: file.name || "calendar.ics", text });
      }
      const source = await uploadSource(s, owner, viewer.id);
      const runs: CalendarImport[] = [];
      for (const t of texts)
        runs.push(await startImport(s, { sourceId: source, fileName: t.name, text: t.text, createdBy: viewer.id }));
      const failed = runs.filter((x) => x.status === "failed");
      if (failed.length) s.flash("error", failed.map((x) => `${x.fileName}: ${x.message}`).join(" "));
      else s.flash("success", runs.map((x) => `${x.fileName}: ${x.message ?? "queued"}`).join(" "));
      const first = runs[0];
      if (runs.length === 1 && first && first.status === "queued")
        return s.redirect(`/calendar-audit/imports/${first.id}`);
      return s.redirect("/calendar-audit");
    },
    { maxBodyBytes: MAX_UPLOAD_REQUEST_BYTES },
  );

  r.get("/imports/:id", "member", async (c, s) => {
    const id = uuidParam(c.req.param("id"), "import");
    const [row] = await s.db.select(calendarImportColumns).from(calendarImports).where(eq(calendarImports.id, id));
    if (!row || (!isAdmin(s) && row.createdBy !== s.viewer?.id)) throw new HttpError(404, "No such import.");
    return s.page(
      <>
        <PageHeader title="Import" />
        <ImportStatus row={row} />
        <p>
          <a href="/calendar-audit">Back to the meeting audit</a>
        </p>
      </>,
      { title: "Import" },
    );
  });

  r.post("/feeds", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, feedSchema);
    const values = { name: String(form.values.name ?? ""), target: String(form.values.target ?? "") };
    if (!form.ok) return indexPage(s, form.errors, values, 422);
    const check = checkFeedUrl(form.data.url);
    if (!check.ok) return indexPage(s, { url: check.reason }, values, 422);
    const owner = await targetOf(s, form.data.target);
    if (!owner) return indexPage(s, { name: "Choose your own calendar or a team you manage." }, values, 422);
    await s.db.insert(calendarSources).values({
      kind: "feed",
      name: form.data.name,
      ...owner,
      feedUrlSealed: await s.seal(check.url.toString()),
      feedUrlMasked: maskFeedUrl(check.url),
      createdBy: viewer.id,
      nextFetchAt: s.clock.now(),
    });
    await refreshDueFeeds(s);
    s.flash("success", "Feed added.");
    return s.redirect("/calendar-audit");
  });
}

async function uploadSource(
  s: Services,
  owner: { personId: string | null; teamId: string | null },
  by: string,
): Promise<string> {
  const [existing] = await s.db
    .select({ id: calendarSources.id })
    .from(calendarSources)
    .where(
      and(
        eq(calendarSources.kind, "upload"),
        owner.teamId ? eq(calendarSources.teamId, owner.teamId) : isNull(calendarSources.teamId),
        owner.personId ? eq(calendarSources.personId, owner.personId) : isNull(calendarSources.personId),
      ),
    )
    .limit(1);
  if (existing) return existing.id;
  const [row] = await s.db
    .insert(calendarSources)
    .values({
      kind: "upload",
      name: owner.teamId ? "Team upload" : "My uploads",
      ...owner,
      status: "ok",
      createdBy: by,
    })
    .returning({ id: calendarSources.id });
  return (row as { id: string }).id;
}
