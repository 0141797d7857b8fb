import {
  type FieldErrors,
  FormErrors,
  formatInstantDay,
  membersOf,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  readForm,
  requireViewer,
} from "../../server/plugin-api.ts";
import { type TeamAccess, teamAccess } from "./access.ts";
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
import { openClocks } from "./clocks.ts";
import { slaReportRoutes } from "./report-pages.tsx";
import type { SlaSettings } from "./settings.ts";
import { slaSettingsRoutes } from "./settings-pages.tsx";
import { TeamNav, WaitingList } from "./views.tsx";

type S = RequestServices<SlaSettings>;

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

export function slaPages(r: PluginRoutes<SlaSettings>): void {
  r.get(
    "/",
    "member",
    async (_c, s) => {
      const viewer = requireViewer(s);
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
    },
    { keepRendered: true },
  );

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

  r.get(
    "/teams/:teamId/board",
    "member",
    async (c, s) => {
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
    },
    { keepRendered: true },
  );

  slaSettingsRoutes(r);
  slaReportRoutes(r);
}
