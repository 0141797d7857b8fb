import { and, eq } from "drizzle-orm";
import { z } from "zod";
import {
  ActionButton,
  type FieldErrors,
  FormErrors,
  formatInstantDay,
  HttpError,
  hasRole,
  membersOf,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  raw,
  readForm,
  teamMembers,
  teams,
  timeZoneField,
} from "../../server/plugin-api.ts";
import { checkUuid, type TeamAccess, teamAccess } from "./access.ts";
import {
  addHoliday,
  calendarSpec,
  deleteHoliday,
  formatDay,
  holidaysOf,
  parseWeek,
  saveCalendar,
  weekdayNames,
} from "./calendars.ts";
import {
  type Charter,
  charterForm,
  charterHistory,
  currentCharter,
  formatTarget,
  mediums,
  parseCharter,
  publishCharter,
  workTypes,
} from "./charter.ts";
import { formatDuration, openClocks } from "./clocks.ts";
import { reportCsv, share, slaReport, slaTrend, trendSvg } from "./reports.ts";
import type { SlaSettings } from "./settings.ts";
import { WaitingList } from "./views.tsx";
import { createWebhookToken, revokeWebhookToken, tokensOf } from "./webhook-tokens.ts";

type S = RequestServices<SlaSettings>;

function TeamNav(props: {
  teamId: string;
  canManage: boolean;
  current?: "charter" | "board" | "settings";
}): SafeHtmlLike {
  const base = `/sla/teams/${props.teamId}`;
  const links: [string, string, string][] = [
    ["charter", base, "Charter"],
    ["board", `${base}/board`, "Board"],
    ...(props.canManage ? [["settings", `${base}/settings`, "Calendar and webhooks"] as [string, string, string]] : []),
  ];
  return (
    <nav aria-label="Team SLA">
      <ul class="tabs">
        {links.map(([key, href, label]) => (
          <li>
            <a href={href} aria-current={props.current === key ? "page" : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
type SafeHtmlLike = ReturnType<typeof FormErrors>;

const responderLabel = (r: Charter["rows"][number], names: Map<string, string>): string =>
  r.responders === "addressees"
    ? "The people asked"
    : r.responders === "managers"
      ? "Team managers"
      : (names.get(r.responderId ?? "") ?? "A named person");

async function charterPage(
  s: S,
  access: TeamAccess,
  errors: FieldErrors = {},
  values?: Record<string, string[]>,
): Promise<Response> {
  const { team, canManage } = access;
  const charter = await currentCharter(s.db, team.id);
  const members = await membersOf(s.db, team.id);
  const names = new Map(members.map((m) => [m.id, m.name]));
  const history = await charterHistory(s.db, team.id);
  const rows = values
    ? (values.workType ?? []).map((w, i) => ({
        workType: w,
        medium: values.medium?.[i] ?? "",
        hours: values.targetHours?.[i] ?? "",
        basis: values.basis?.[i] ?? "business",
        responders: values.responders?.[i] ?? "addressees",
        responderId: values.responderId?.[i] ?? "",
      }))
    : [
        ...charter.rows.map((r) => ({
          workType: r.workType,
          medium: r.medium,
          hours: String(r.targetMinutes / 60),
          basis: r.basis as string,
          responders: r.responders as string,
          responderId: r.responderId ?? "",
        })),
        ...[0, 1].map(() => ({
          workType: "",
          medium: "portal",
          hours: "",
          basis: "business",
          responders: "addressees",
          responderId: "",
        })),
      ];
  return s.page(
    <>
      <PageHeader title={`Response-time charter: ${team.name}`} />
      <TeamNav teamId={team.id} canManage={canManage} current="charter" />
      <section class="card" aria-labelledby="charter">
        <h2 id="charter">{charter.versionId ? `Version ${charter.version}` : "Organization default"}</h2>
        <p class="muted">
          {charter.versionId
            ? "Changes apply to new asks only; asks already open keep the target they started with."
            : "This team has not published its own charter, so the organization default applies."}
        </p>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Work type</th>
                <th scope="col">Medium</th>
                <th scope="col">You will get a response within</th>
                <th scope="col">Who responds</th>
              </tr>
            </thead>
            <tbody>
              {charter.rows.map((r) => (
                <tr>
                  <td>{r.workType}</td>
                  <td>{r.medium}</td>
                  <td>{formatTarget(r)}</td>
                  <td>{responderLabel(r, names)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {canManage ? (
        <section class="card" aria-labelledby="edit">
          <h2 id="edit">Publish a new version</h2>
          <form method="post" action={`/sla/teams/${team.id}/charter`} class="stack sla-charter-form" novalidate>
            <FormErrors errors={errors} />
            {Object.keys(errors).length ? (
              <ul class="field-error">
                {Object.values(errors).map((e) => (
                  <li>{e}</li>
                ))}
              </ul>
            ) : null}
            <p class="small muted">Leave the work type blank to drop a row. Targets are in hours (up to 2000).</p>
            <datalist id="sla-work-types">
              {workTypes.map((w) => (
                <option value={w} />
              ))}
            </datalist>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Work type</th>
                    <th scope="col">Medium</th>
                    <th scope="col">Target (hours)</th>
                    <th scope="col">Hours</th>
                    <th scope="col">Who responds</th>
                    <th scope="col">Named person</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r, i) => (
                    <tr>
                      <td data-label="Work type">
                        <input
                          name="workType"
                          list="sla-work-types"
                          value={r.workType}
                          aria-label={`Row ${i + 1} work type`}
                        />
                      </td>
                      <td data-label="Medium">
                        <select name="medium" aria-label={`Row ${i + 1} medium`}>
                          {mediums.map((m) => (
                            <option value={m} selected={r.medium === m}>
                              {m}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td data-label="Target (hours)">
                        <input
                          name="targetHours"
                          inputmode="decimal"
                          value={r.hours}
                          aria-label={`Row ${i + 1} target in hours`}
                        />
                      </td>
                      <td data-label="Hours">
                        <select name="basis" aria-label={`Row ${i + 1} business or calendar hours`}>
                          <option value="business" selected={r.basis === "business"}>
                            business
                          </option>
                          <option value="calendar" selected={r.basis === "calendar"}>
                            calendar
                          </option>
                        </select>
                      </td>
                      <td data-label="Who responds">
                        <select name="responders" aria-label={`Row ${i + 1} who responds`}>
                          <option value="addressees" selected={r.responders === "addressees"}>
                            the people asked
                          </option>
                          <option value="managers" selected={r.responders === "managers"}>
                            team managers
                          </option>
                          <option value="person" selected={r.responders === "person"}>
                            a named person
                          </option>
                        </select>
                      </td>
                      <td data-label="Named person">
                        <select name="responderId" aria-label={`Row ${i + 1} named person`}>
                          <option value="">—</option>
                          {members.map((m) => (
                            <option value={m.id} selected={r.responderId === m.id}>
                              {m.name}
                            </option>
                          ))}
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              <button type="submit">Publish version {String((history[0]?.version ?? 0) + 1)}</button>
            </div>
          </form>
        </section>
      ) : null}
      {history.length ? (
        <section class="card" aria-labelledby="history">
          <h2 id="history">History</h2>
          <ul class="plain-list">
            {history.map((h) => (
              <li>
                Version {String(h.version)}: {String(h.rows)} rows, published{" "}
                <time datetime={h.createdAt.toISOString()}>
                  {formatInstantDay(h.createdAt, s.viewer?.timeZone ?? team.timeZone)}
                </time>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>,
    { title: `Charter · ${team.name}`, status: Object.keys(errors).length ? 422 : 200 },
  );
}

async function settingsPage(
  s: S,
  access: TeamAccess,
  options: { errors?: FieldErrors; values?: Record<string, string>; newToken?: string; status?: 201 | 409 } = {},
): Promise<Response> {
  const { team } = access;
  const spec = await calendarSpec(s.db, team.id);
  const errors = options.errors ?? {};
  const values = options.values ?? {};
  const holidays = await holidaysOf(s.db, team.id);
  const tokens = await tokensOf(s.db, team.id);
  return s.page(
    <>
      <PageHeader title={`Business calendar and webhooks: ${team.name}`} />
      <TeamNav teamId={team.id} canManage={true} current="settings" />
      {options.newToken ? (
        <div class="alert alert-success" role="status">
          <p>Copy this token now; it will not be shown again.</p>
          <p class="sla-token">{options.newToken}</p>
        </div>
      ) : null}
      <section class="card" aria-labelledby="calendar">
        <h2 id="calendar">Open hours</h2>
        <form method="post" action={`/sla/teams/${team.id}/calendar`} class="stack" novalidate>
          <FormErrors errors={errors} />
          <div class={errors.timeZone ? "field has-error" : "field"}>
            <label for="f-timeZone">Time zone</label>
            <input id="f-timeZone" name="timeZone" value={values.timeZone ?? spec?.timeZone ?? team.timeZone} />
            {errors.timeZone ? <p class="field-error">{errors.timeZone}</p> : null}
          </div>
          {weekdayNames.map((name, i) => {
            const key = `day${i + 1}`;
            return (
              <div class={errors[key] ? "field has-error" : "field"}>
                <label for={`f-${key}`}>{name}</label>
                <input
                  id={`f-${key}`}
                  name={key}
                  placeholder="closed"
                  value={values[key] ?? formatDay(spec?.open[i + 1])}
                  aria-describedby="f-hours-hint"
                />
                {errors[key] ? <p class="field-error">{errors[key]}</p> : null}
              </div>
            );
          })}
          <p id="f-hours-hint" class="small muted">
            Intervals like 09:00-12:30, 13:30-17:30; blank for closed.
          </p>
          <div>
            <button type="submit">Save open hours</button>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="holidays">
        <h2 id="holidays">Holidays</h2>
        <ul class="plain-list">
          {holidays.map((h) => (
            <li>
              {h.day} — {h.name}{" "}
              {h.source === "sla" ? (
                <ActionButton action={`/sla/teams/${team.id}/holidays/${h.id}/delete`} label="Remove" danger />
              ) : (
                <span class="muted small">(team holiday)</span>
              )}
            </li>
          ))}
        </ul>
        <form method="post" action={`/sla/teams/${team.id}/holidays`} class="row" novalidate>
          <div class={errors.day ? "field has-error" : "field"}>
            <label for="f-day">Day</label>
            <input id="f-day" name="day" type="date" value={values.day ?? ""} />
            {errors.day ? <p class="field-error">{errors.day}</p> : null}
          </div>
          <div class={errors.name ? "field has-error" : "field"}>
            <label for="f-name">Name</label>
            <input id="f-name" name="name" value={values.name ?? ""} />
            {errors.name ? <p class="field-error">{errors.name}</p> : null}
          </div>
          <div>
            <button type="submit">Add holiday</button>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="tokens">
        <h2 id="tokens">Webhook tokens</h2>
        <p class="small">
          A git host or another tool starts a clock with <code>POST {s.baseUrl}/api/sla/asks</code> and stops it with{" "}
          <code>POST /api/sla/asks/&lt;externalId&gt;/responses</code>, sending{" "}
          <code>Authorization: Bearer &lt;token&gt;</code>.
        </p>
        <ul class="plain-list">
          {tokens.map((t) => (
            <li>
              <strong>{t.name}</strong> <span class="sla-token">{t.prefix}…</span>{" "}
              {t.revokedAt ? (
                <span class="muted">revoked</span>
              ) : (
                <ActionButton action={`/sla/teams/${team.id}/tokens/${t.id}/revoke`} label="Revoke" danger />
              )}
            </li>
          ))}
        </ul>
        <form method="post" action={`/sla/teams/${team.id}/tokens`} class="row" novalidate>
          <div class={errors.tokenName ? "field has-error" : "field"}>
            <label for="f-tokenName">Token name</label>
            <input id="f-tokenName" name="tokenName" placeholder="e.g. Git reviews" value={values.tokenName ?? ""} />
            {errors.tokenName ? <p class="field-error">{errors.tokenName}</p> : null}
          </div>
          <div>
            <button type="submit">Create token</button>
          </div>
        </form>
      </section>
    </>,
    { title: `SLA settings · ${team.name}`, status: options.status ?? (Object.keys(errors).length ? 422 : 200) },
  );
}

const flatValues = (values: Record<string, string | string[]>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? "") : v]));

const calendarSchema = z.object({
  timeZone: timeZoneField(),
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [`day${d}`, z.string().max(300).optional().default("")])),
});

const holidaySchema = z.object({
  day: z.iso.date("Give a date like 2026-12-24."),
  name: z.string().trim().min(1, "Name the holiday.").max(100),
});

const tokenSchema = z.object({ tokenName: z.string().trim().min(1, "Name the token.").max(80) });

async function myTeamIds(s: S, managedOnly: boolean): Promise<string[]> {
  const viewer = s.viewer;
  if (!viewer) return [];
  if (hasRole(viewer, "admin")) return (await s.db.select({ id: teams.id }).from(teams)).map((t) => t.id);
  const rows = await s.db
    .select({ id: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.personId, viewer.id), managedOnly ? eq(teamMembers.isManager, true) : undefined));
  return rows.map((r) => r.id);
}

const reportQuery = z.object({ weeks: z.coerce.number().int().min(1).max(52).catch(12) });

async function reportData(c: Parameters<Parameters<PluginRoutes<SlaSettings>["get"]>[2]>[0], s: S) {
  const { weeks } = reportQuery.parse({ weeks: c.req.query("weeks") ?? "12" });
  const teamIds = await myTeamIds(s, true);
  const now = s.clock.now();
  const range = { teamIds, from: new Date(now.getTime() - weeks * 7 * 86_400_000), to: now, now };
  return { weeks, rows: await slaReport(s.db, range), trend: await slaTrend(s.db, range) };
}

export function slaPages(r: PluginRoutes<SlaSettings>): void {
  r.get("/", "member", async (_c, s) => {
    const viewer = s.viewer;
    if (!viewer) throw new HttpError(401, "Please sign in.");
    const items = await openClocks(s.db, { responderId: viewer.id }, s.clock.now());
    const mine = await s.myTeams();
    return s.page(
      <>
        <PageHeader title="Waiting on you" />
        <section class="card" aria-labelledby="waiting">
          <h2 id="waiting">Asks waiting on you</h2>
          <WaitingList items={items} timeZone={viewer.timeZone} />
        </section>
        <section class="card" aria-labelledby="teams">
          <h2 id="teams">Your teams' charters</h2>
          <ul class="plain-list">
            {mine.map((t) => (
              <li>
                <a href={`/sla/teams/${t.id}`}>{t.name}</a> · <a href={`/sla/teams/${t.id}/board`}>board</a>
              </li>
            ))}
          </ul>
        </section>
      </>,
      { title: "Waiting on you" },
    );
  });

  r.get("/teams/:teamId", "member", async (c, s) => charterPage(s, await teamAccess(s, c.req.param("teamId"), "read")));

  r.post("/teams/:teamId/charter", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    const form = await readForm(c, charterForm);
    const lists = Object.fromEntries(
      Object.entries(form.values).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
    ) as Record<string, string[]>;
    if (!form.ok) return charterPage(s, access, form.errors, lists);
    const members = await membersOf(s.db, access.team.id);
    const parsed = parseCharter(form.data, new Set(members.map((m) => m.id)));
    if (!parsed.ok) return charterPage(s, access, parsed.errors, lists);
    const viewer = s.viewer;
    const version = await s.transaction((tx) =>
      publishCharter(tx, { teamId: access.team.id, rows: parsed.rows, actorId: viewer?.id ?? "", at: s.clock.now() }),
    );
    s.flash("success", `Published version ${version}. It applies to new asks.`);
    return s.redirect(`/sla/teams/${access.team.id}`);
  });

  r.get("/teams/:teamId/board", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "read");
    const viewer = s.viewer;
    const now = s.clock.now();
    const { dueSoonHours } = await s.settings();
    const items = await openClocks(s.db, { teamId: access.team.id }, now, 500);
    const breached = items.filter((i) => i.status.status === "breached");
    const dueSoon = items.filter(
      (i) =>
        i.status.status !== "breached" && i.state === "running" && i.status.remainingSeconds <= dueSoonHours * 3600,
    );
    return s.page(
      <>
        <PageHeader title={`SLA board: ${access.team.name}`} />
        <TeamNav teamId={access.team.id} canManage={access.canManage} current="board" />
        <ul class="sla-counts" aria-label="Summary">
          <li>
            <strong>{String(items.length)}</strong> open
          </li>
          <li>
            <strong>{String(dueSoon.length)}</strong> due soon
          </li>
          <li>
            <strong>{String(breached.length)}</strong> breached
          </li>
        </ul>
        {(
          [
            ["Breached", breached, "No ask on this team is past its response time."],
            ["Due soon", dueSoon, "No ask on this team is close to its response time."],
            ["All open", items, "No ask on this team is waiting for a response."],
          ] as const
        ).map(([title, list, empty], i) => (
          <section class="card" aria-labelledby={`board-${i}`}>
            <h2 id={`board-${i}`}>{title}</h2>
            <WaitingList items={list} timeZone={viewer?.timeZone ?? access.team.timeZone} empty={empty} />
          </section>
        ))}
      </>,
      { title: `Board · ${access.team.name}` },
    );
  });

  r.get("/teams/:teamId/settings", "member", async (c, s) =>
    settingsPage(s, await teamAccess(s, c.req.param("teamId"), "manage")),
  );

  r.post("/teams/:teamId/calendar", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    const form = await readForm(c, calendarSchema);
    const values = flatValues(form.values);
    if (!form.ok) return settingsPage(s, access, { errors: form.errors, values });
    const data = form.data as Record<string, string>;
    const week = parseWeek(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, data[`day${d}`] ?? ""])));
    if (!week.ok) return settingsPage(s, access, { errors: week.errors, values });
    await saveCalendar(s.db, {
      teamId: access.team.id,
      timeZone: data.timeZone as string,
      open: week.open,
      at: s.clock.now(),
    });
    s.flash("success", "Open hours saved. New and resumed clocks use them.");
    return s.redirect(`/sla/teams/${access.team.id}/settings`);
  });

  r.post("/teams/:teamId/holidays", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    const form = await readForm(c, holidaySchema);
    const values = flatValues(form.values);
    if (!form.ok) return settingsPage(s, access, { errors: form.errors, values });
    if (!(await addHoliday(s.db, { teamId: access.team.id, ...form.data })))
      return settingsPage(s, access, { errors: { day: "That day is already a holiday." }, values, status: 409 });
    s.flash("success", "Holiday added.");
    return s.redirect(`/sla/teams/${access.team.id}/settings`);
  });

  r.post("/teams/:teamId/holidays/:id/delete", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    if (!(await deleteHoliday(s.db, access.team.id, checkUuid(c.req.param("id"), "holiday"))))
      throw new HttpError(404, "There is no such holiday.");
    s.flash("success", "Holiday removed.");
    return s.redirect(`/sla/teams/${access.team.id}/settings`);
  });

  r.post("/teams/:teamId/tokens", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    const form = await readForm(c, tokenSchema);
    if (!form.ok) return settingsPage(s, access, { errors: form.errors, values: flatValues(form.values) });
    const { token } = await createWebhookToken(s.db, {
      teamId: access.team.id,
      name: form.data.tokenName,
      actorId: s.viewer?.id ?? "",
      at: s.clock.now(),
    });
    return settingsPage(s, access, { newToken: token, status: 201 });
  });

  r.post("/teams/:teamId/tokens/:id/revoke", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    if (!(await revokeWebhookToken(s.db, access.team.id, checkUuid(c.req.param("id"), "token"), s.clock.now())))
      throw new HttpError(404, "There is no such active token.");
    s.flash("success", "Token revoked.");
    return s.redirect(`/sla/teams/${access.team.id}/settings`);
  });

  r.get("/reports", "manager", async (c, s) => {
    const { weeks, rows, trend } = await reportData(c, s);
    const hours = (sec: number | null): string => (sec === null ? "—" : formatDuration(sec));
    return s.page(
      <>
        <PageHeader title="Response-time report">
          <a class="button button-secondary" href={`/sla/reports.csv?weeks=${weeks}`}>
            Download CSV
          </a>
        </PageHeader>
        <form method="get" action="/sla/reports" class="filter-row">
          <label for="f-weeks">Period</label>
          <select id="f-weeks" name="weeks">
            {[4, 12, 26, 52].map((w) => (
              <option value={String(w)} selected={w === weeks}>
                last {String(w)} weeks
              </option>
            ))}
          </select>
          <button type="submit" class="button-secondary">
            Show
          </button>
        </form>
        <section class="card" aria-labelledby="trend">
          <h2 id="trend">Share within target by week</h2>
          {raw(trendSvg(trend))}
        </section>
        <section class="card" aria-labelledby="by-kind">
          <h2 id="by-kind">By team, work type and medium</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Team</th>
                  <th scope="col">Work type</th>
                  <th scope="col">Medium</th>
                  <th scope="col">Asks counted</th>
                  <th scope="col">Within target</th>
                  <th scope="col">p50 to first response</th>
                  <th scope="col">p90 to first response</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const pct = share(r.within, r.counted);
                  return (
                    <tr>
                      <td>{r.team}</td>
                      <td>{r.workType}</td>
                      <td>{r.medium}</td>
                      <td>{String(r.counted)}</td>
                      <td>{pct === null ? "—" : `${Math.round(pct * 100)} %`}</td>
                      <td>{hours(r.p50)}</td>
                      <td>{hours(r.p90)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p class="small muted">Times are business time. Asks still open and not yet due are not counted.</p>
        </section>
      </>,
      { title: "SLA report" },
    );
  });

  r.get("/reports.csv", "manager", async (c, s) => {
    const { weeks, rows } = await reportData(c, s);
    return new Response(reportCsv(rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="sla-report-${weeks}w-${s.clock.now().toISOString().slice(0, 10)}.csv"`,
      },
    });
  });
}
