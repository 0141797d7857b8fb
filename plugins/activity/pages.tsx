import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import {
  ActionButton,
  EmptyState,
  Field,
  type FieldErrors,
  FormErrors,
  formatInstant,
  HttpError,
  membersOf,
  PageHeader,
  type PluginRoutes,
  people,
  type RequestServices,
  readForm,
  requireViewer,
  type SafeHtml,
} from "../../server/plugin-api.ts";
import { AfterHoursTrend, CategoryMix, Heatmap, OverlapTable, weekLabel } from "./charts.tsx";
import { type DeviceView, devicesOf, registerDevice, revokeDevice } from "./devices.ts";
import {
  deleteOwn,
  exportCsv,
  exportOwn,
  isPaused,
  type OwnWeek,
  ownWeek,
  setPaused,
  weekStart,
} from "./my-activity.ts";
import { overlapHours, syncWindows } from "./overlap.ts";
import { currentPolicy, policyHistory, policyLabels } from "./policy.ts";
import { requireTeamViewer, uuidParam } from "./team-access.ts";
import { privacyTerms, teamFigures, weeksParam } from "./team-figures.ts";
import type { WorkingHours } from "./working-hours.ts";

type S = RequestServices<Record<string, unknown>>;
const dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const deviceForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Name the device (e.g. “Work laptop”).")
    .max(80, "Keep it under 80 characters.")
    .regex(/^[\p{L}\p{N} .,_'’()+-]+$/u, "Use letters, digits, spaces and . , _ - ' ( ) +."),
});
const collectionForm = z.object({ state: z.enum(["paused", "collecting"], "Choose pause or resume.") });
const deleteForm = z.object({
  confirm: z.literal("delete my activity", "Type “delete my activity” to confirm."),
});

function WeekCompare(props: { thisWeek: OwnWeek; lastWeek: OwnWeek }): SafeHtml {
  const categories = [...new Set([...props.thisWeek.categories, ...props.lastWeek.categories].map((c) => c.category))];
  const hoursIn = (w: OwnWeek, category: string): number =>
    w.categories.find((c) => c.category === category)?.hours ?? 0;
  return (
    <div class="activity-stack">
      <p>
        This week: <strong>{props.thisWeek.totalHours} h</strong> active; last week: {props.lastWeek.totalHours} h.
      </p>
      <div class="table-wrap">
        <table>
          <caption class="activity-caption">Active hours per day</caption>
          <thead>
            <tr>
              <th scope="col">Week</th>
              {dayNames.map((d) => (
                <th scope="col">{d}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row" class="activity-row-head">
                This week
              </th>
              {props.thisWeek.days.map((h) => (
                <td>{h}</td>
              ))}
            </tr>
            <tr>
              <th scope="row" class="activity-row-head">
                Last week
              </th>
              {props.lastWeek.days.map((h) => (
                <td>{h}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
      {categories.length ? (
        <div class="table-wrap">
          <table>
            <caption class="activity-caption">Active hours per category</caption>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">This week</th>
                <th scope="col">Last week</th>
              </tr>
            </thead>
            <tbody>
              {categories.map((c) => (
                <tr>
                  <th scope="row" class="activity-row-head">
                    {c}
                  </th>
                  <td>{hoursIn(props.thisWeek, c)}</td>
                  <td>{hoursIn(props.lastWeek, c)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function DeviceList(props: { devices: DeviceView[]; timeZone: string }): SafeHtml {
  if (!props.devices.length)
    return (
      <EmptyState title="No devices yet.">
        <p>Register a device to get a token for the relay agent or your own client.</p>
      </EmptyState>
    );
  return (
    <ul class="plain-list activity-devices" aria-label="Your devices">
      {props.devices.map((d) => (
        <li>
          <span>
            <strong>{d.name}</strong>{" "}
            <span class="muted small">
              {d.revokedAt
                ? `revoked ${formatInstant(d.revokedAt, props.timeZone)}`
                : d.lastSeenAt
                  ? `last seen ${formatInstant(d.lastSeenAt, props.timeZone)}`
                  : "not used yet"}
            </span>
          </span>
          {d.revokedAt ? null : (
            <form
              method="post"
              action={`/activity/devices/${d.id}/revoke`}
              class="inline-form"
              data-confirm={`Revoke “${d.name}”? Its token stops working at once.`}
            >
              <input type="hidden" name="confirm" value="yes" />
              <button type="submit" class="button button-danger button-small">
                Revoke<span class="visually-hidden"> {d.name}</span>
              </button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
}

async function myPage(
  s: S,
  opts: { errors?: FieldErrors; token?: string; status?: 200 | 201 } = {},
): Promise<Response> {
  const viewer = requireViewer(s);
  const thisWeekStart = weekStart(s.clock.now(), viewer.timeZone);
  const [thisWeek, lastWeek, devices, paused, teams] = [
    await ownWeek(s.db, viewer.id, viewer.timeZone, thisWeekStart),
    await ownWeek(s.db, viewer.id, viewer.timeZone, new Date(thisWeekStart.getTime() - 7 * 86_400_000)),
    await devicesOf(s.db, viewer.id),
    await isPaused(s.db, viewer.id),
    await s.myTeams(),
  ];
  const errors = opts.errors ?? {};
  return s.page(
    <>
      <PageHeader title="My activity">
        <a class="button button-secondary" href="/activity/transparency">
          What is collected
        </a>
      </PageHeader>
      <p class="muted">Only you can see this page. Your team sees totals of at least five people, never yours alone.</p>
      {paused ? (
        <div class="alert" role="status">
          Collection is paused: events from your devices are dropped until you resume.
        </div>
      ) : null}
      <div class="split activity-split">
        <section class="card" aria-labelledby="my-week">
          <h2 id="my-week">Week over week</h2>
          <WeekCompare thisWeek={thisWeek} lastWeek={lastWeek} />
        </section>
        <section class="card activity-stack" aria-labelledby="my-devices">
          <h2 id="my-devices">Devices</h2>
          {opts.token ? (
            <div class="alert alert-success activity-stack" role="status">
              <p>
                <strong>Your device token.</strong> Copy it now: it is shown only this once and stored only as a hash.
              </p>
              <code class="activity-token">{opts.token}</code>
              <p class="small">
                Give it to the relay agent (<code>--token</code>) or send it as <code>Authorization: Bearer …</code> to{" "}
                <code>/api/activity/events</code>.
              </p>
            </div>
          ) : null}
          <DeviceList devices={devices} timeZone={viewer.timeZone} />
          <form method="post" action="/activity/devices" class="stack" novalidate>
            <FormErrors errors={errors} />
            <Field
              label="Device name"
              name="name"
              error={errors.name}
              hint="A name you will recognise, e.g. Work laptop. You get a token for it."
            />
            <button type="submit" class="button">
              Register a device
            </button>
          </form>
        </section>
      </div>
      <section class="card activity-stack" aria-labelledby="my-data">
        <h2 id="my-data">Your data</h2>
        <h3>Export</h3>
        <p>
          Everything stored about you, as <a href="/activity/export.json">JSON</a> or{" "}
          <a href="/activity/export.csv">CSV</a>.
        </p>
        <h3>{paused ? "Collection is paused" : "Pause collection"}</h3>
        <p class="muted small">
          {paused
            ? "Events from your devices are dropped until you resume."
            : "While paused, events from your devices are dropped, not stored."}
        </p>
        <div>
          <ActionButton
            action="/activity/collection"
            label={paused ? "Resume collection" : "Pause collection"}
            fields={{ state: paused ? "collecting" : "paused" }}
          />
        </div>
        <h3>Delete</h3>
        <form method="post" action="/activity/delete" class="stack" novalidate>
          <Field
            label="Confirm deletion"
            name="confirm"
            hint="Type “delete my activity” to delete your raw events and rollups now. This cannot be undone."
            error={errors.confirm}
          />
          <div>
            <button type="submit" class="button button-danger">
              Delete my activity data
            </button>
          </div>
        </form>
      </section>
      {teams.length ? (
        <section class="card" aria-labelledby="my-teams">
          <h2 id="my-teams">Team rhythm</h2>
          <ul class="plain-list">
            {teams.map((t) => (
              <li>
                <a href={`/activity/teams/${t.id}`}>{t.name}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>,
    { title: "My activity", status: opts.status ?? (Object.keys(errors).length ? 422 : 200) },
  );
}

async function teamPage(
  c: Parameters<Parameters<PluginRoutes<Record<string, unknown>>["get"]>[2]>[0],
  s: S,
): Promise<Response> {
  const team = await requireTeamViewer(c, s);
  const { minGroupSize } = await currentPolicy(s.db);
  const weeks = weeksParam(c.req.query("weeks"));
  const zone = c.req.query("zone") || undefined;
  const now = s.clock.now();
  const figures = await teamFigures(s.db, { teamId: team.id, weeks, zone });
  const terms = privacyTerms(minGroupSize);
  const members = await membersOf(s.db, team.id);
  const teamSchedules = members.length
    ? (
        await s.db
          .select({ timeZone: people.timeZone, workingHours: people.workingHours })
          .from(people)
          .where(
            and(
              inArray(
                people.id,
                members.map((m) => m.id),
              ),
              eq(people.status, "active"),
            ),
          )
      ).map((p) => ({ timeZone: p.timeZone, workingHours: p.workingHours as WorkingHours }))
    : [];
  const zones = [...new Set(teamSchedules.map((m) => m.timeZone))].sort();
  const monday = Temporal.Instant.fromEpochMilliseconds(weekStart(now, team.timeZone).getTime())
    .toZonedDateTimeISO(team.timeZone)
    .toPlainDate();
  const hours = overlapHours(teamSchedules, team.timeZone, monday);
  return s.page(
    <>
      <PageHeader title={`${team.name}: team rhythm`} />
      <p class="muted">
        Figures of the last {weeks === 1 ? "closed week" : `${weeks} closed weeks`} ({team.timeZone}), frozen when each
        week was released. Every figure has at least {minGroupSize} people behind it and carries random noise, so no
        figure belongs to one person; ± is the 95 % range of that noise.{" "}
        <a href="/activity/transparency">How this works</a>
      </p>
      <form method="get" class="filter-row activity-filters" action={`/activity/teams/${team.id}`}>
        <div class="field">
          <label for="weeks">Period</label>
          <select id="weeks" name="weeks">
            {[1, 4, 12].map((w) => (
              <option value={String(w)} selected={w === weeks}>
                {w === 1 ? "Last closed week" : `Last ${w} closed weeks`}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="zone">Members</label>
          <select id="zone" name="zone">
            <option value="">Whole team</option>
            {zones.map((z) => (
              <option value={z} selected={z === zone}>
                In {z}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button button-secondary">
          Show
        </button>
      </form>
      {figures.shown ? (
        <>
          <section class="card" aria-labelledby="heatmap">
            <h2 id="heatmap">Active hours</h2>
            <p>
              Weeks of {figures.weeks.map(weekLabel).join(", ")}: about{" "}
              {Math.max(0, Math.round(figures.contributors.value))} people contributed per week (±{" "}
              {figures.contributors.plusMinus}); {figures.activeHoursPerMember.value} active hours per member per week
              (± {figures.activeHoursPerMember.plusMinus}).
            </p>
            <Heatmap cells={figures.heatmap} timeZone={team.timeZone} />
            <p class="muted small">
              Differential privacy: each week's release costs every member's data ρ = {terms.rhoPerRelease} (zCDP, about
              ε = {terms.epsilonPerRelease} at δ = {terms.delta}), at most ρ = {terms.rhoPerPersonWeek} a week across
              all of a person's teams.
            </p>
          </section>
          <div class="split activity-split">
            <section class="card" aria-labelledby="mix">
              <h2 id="mix">Category mix</h2>
              <CategoryMix categories={figures.categories} />
            </section>
            <section class="card" aria-labelledby="after">
              <h2 id="after">After-hours share</h2>
              <p class="muted small">
                Active time outside each person's own working hours. A rising share can signal burnout.
              </p>
              {figures.afterHours.length ? (
                <AfterHoursTrend weeks={figures.afterHours} />
              ) : (
                <p class="muted">No week had enough people to show.</p>
              )}
            </section>
          </div>
        </>
      ) : (
        <section class="card activity-suppressed" aria-labelledby="suppressed">
          <h2 id="suppressed">Team figures are hidden</h2>
          <div class="empty" role="status">
            <p class="empty-title">{figures.reason}</p>
            <p>
              To protect each person's privacy, team figures are published only for closed weeks, only when at least{" "}
              {minGroupSize} people contributed, and with random noise added once, so that no figure can be traced back
              to one person. They appear once a week with enough contributors has closed; try the whole team or a longer
              period.
            </p>
            <p>
              <a href="/activity/transparency">Who sees what, and why</a>
            </p>
          </div>
        </section>
      )}
      <section class="card" aria-labelledby="overlap">
        <h2 id="overlap">Overlap across time zones</h2>
        <p class="muted small">From members' working hours on their profiles, not from activity.</p>
        <OverlapTable
          hours={hours}
          windows={syncWindows(hours)}
          members={teamSchedules.length}
          timeZone={team.timeZone}
        />
      </section>
    </>,
    { title: `${team.name} activity` },
  );
}

async function transparencyPage(s: S): Promise<Response> {
  const policy = await currentPolicy(s.db);
  const terms = privacyTerms(policy.minGroupSize);
  const history = await policyHistory(s.db);
  const tz = s.viewer?.timeZone ?? "UTC";
  return s.page(
    <>
      <PageHeader title="Activity: what is collected" />
      <div class="split activity-split">
        <section class="card" aria-labelledby="collected">
          <h2 id="collected">Collected</h2>
          <ul>
            <li>The name of the application in front (e.g. “Firefox”), and whether you were away from the keyboard.</li>
            <li>When, and for how long, in 15-minute totals per category. Raw events are deleted within 24 hours.</li>
            <li>Only from devices you registered yourself, and only while collection is not paused.</li>
          </ul>
          <h2 id="never">Never collected</h2>
          <ul>
            <li>Window titles, URLs, file names, document contents, keystrokes or screenshots.</li>
            <li>Anything at all while you have paused collection.</li>
          </ul>
        </section>
        <section class="card" aria-labelledby="who">
          <h2 id="who">Who sees what</h2>
          <ul>
            <li>
              <strong>You</strong> see your own hours and categories, can export them (JSON or CSV), pause collection
              and delete everything.
            </li>
            <li>
              <strong>Your team, your manager and admins</strong> see team totals only: for closed weeks, frozen when
              the week is released, with at least {policy.minGroupSize} people behind every figure (a time-zone slice
              also needs at least {policy.minGroupSize} people in the rest of the team), and with random noise
              (differential privacy: each week's release costs your data ρ = {terms.rhoPerRelease} in zCDP, about ε ={" "}
              {terms.epsilonPerRelease} at δ = {terms.delta}; at most ρ = {terms.rhoPerPersonWeek} a week across all
              your teams, after which your data is left out of further releases).
            </li>
            <li>
              <strong>Nobody</strong> — not managers, not admins — can open another person's activity, rank people or
              sort them by activity.
            </li>
            <li>Rollups are kept {policy.rollupRetentionDays} days, then deleted.</li>
          </ul>
        </section>
      </div>
      <section class="card" aria-labelledby="changes">
        <h2 id="changes">Changes to these rules</h2>
        {history.length ? (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Changes to the activity privacy rules, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Setting</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">Changed by</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h) => (
                  <tr>
                    <td>{formatInstant(h.changedAt, tz)}</td>
                    <td>{policyLabels[h.field] ?? h.field}</td>
                    <td>{h.oldValue}</td>
                    <td>{h.newValue}</td>
                    <td>{h.changedBy}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">The defaults have never been changed.</p>
        )}
      </section>
    </>,
    { title: "Activity transparency" },
  );
}

export function activityPages(r: PluginRoutes<Record<string, unknown>>): void {
  r.get("/", "member", (_c, s) => myPage(s), { keepRendered: true });

  // A person's own page by id: only that person. Managers and admins get 403, not a view.
  r.get("/people/:personId", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const personId = uuidParam(c, "personId");
    const [person] = await s.db.select({ id: people.id }).from(people).where(eq(people.id, personId));
    if (!person) throw new HttpError(404, "There is no such person.");
    if (person.id !== viewer.id) throw new HttpError(403, "Activity is visible only to the person it belongs to.");
    return myPage(s);
  });

  r.post("/devices", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, deviceForm);
    if (!form.ok) return myPage(s, { errors: form.errors });
    const { token } = await registerDevice(s.db, { personId: viewer.id, name: form.data.name, at: s.clock.now() });
    return myPage(s, { token, status: 201 });
  });

  r.post("/devices/:id/revoke", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const id = uuidParam(c, "id");
    const form = await readForm(c, z.object({ confirm: z.literal("yes", "Confirm the revocation.") }));
    if (!form.ok) throw new HttpError(422, "Confirm the revocation.");
    if (!(await revokeDevice(s.db, viewer.id, id, s.clock.now())))
      throw new HttpError(404, "No such active device of yours.");
    s.flash("success", "Device revoked: its token no longer works.");
    return s.redirect("/activity");
  });

  r.post("/collection", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, collectionForm);
    if (!form.ok) throw new HttpError(422, "Choose pause or resume.", { fields: form.errors });
    await setPaused(s.db, viewer.id, form.data.state === "paused", s.clock.now());
    s.flash("success", form.data.state === "paused" ? "Collection paused." : "Collection resumed.");
    return s.redirect("/activity");
  });

  r.post("/delete", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, deleteForm);
    if (!form.ok) return myPage(s, { errors: form.errors });
    await s.transaction((tx) => deleteOwn(tx, viewer.id));
    s.flash("success", "Your activity data was deleted.");
    return s.redirect("/activity");
  });

  r.get("/export.json", "member", async (c, s) => {
    const viewer = requireViewer(s);
    c.header("Content-Disposition", 'attachment; filename="my-activity.json"');
    return c.json(await exportOwn(s.db, viewer.id));
  });

  r.get("/export.csv", "member", async (c, s) => {
    const viewer = requireViewer(s);
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", 'attachment; filename="my-activity.csv"');
    return c.body(exportCsv(await exportOwn(s.db, viewer.id)));
  });

  r.get("/teams/:teamId", "member", (c, s) => teamPage(c, s), { keepRendered: true });
  r.get("/transparency", "member", (_c, s) => transparencyPage(s));
}
