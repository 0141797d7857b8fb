import type { Context } from "hono";
import { z } from "zod";
import { allows, hasRole, type Routes, viewerOf } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { forbidden, HttpError, notFound } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { readForm, text, timeZone } from "../http/forms.ts";
import { teamLinks } from "../http/nav.ts";
import { page, redirect } from "../http/render.tsx";
import { isCalendarDate, todayIn } from "./local-time.ts";
import { isUuid } from "./people.ts";
import {
  addHoliday,
  addTeamMember,
  createTeam,
  deleteHoliday,
  deleteTeam,
  holidaysOf,
  listTeams,
  peopleNotInTeam,
  removeTeamMember,
  setTeamManager,
  updateTeam,
} from "./team-admin.ts";
import {
  emptyForm,
  type FormState,
  MyTeamsPage,
  TeamAdminPage,
  type TeamAdminProps,
  TeamPage,
  TeamsAdminPage,
} from "./team-views.tsx";
import { findTeam, isTeamMember, membersOf, type Team } from "./teams.ts";

const teamForm = z.object({ name: text("Team name", 80), timeZone: timeZone() });

const memberForm = z.object({
  personId: z.string({ error: "Choose a person." }).refine(isUuid, "Choose a person."),
  manager: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
});

const managerForm = z.object({
  isManager: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true")),
});

const holidayForm = z.object({
  holidayDate: z.string({ error: "Date is required." }).trim().refine(isCalendarDate, "Enter the date as YYYY-MM-DD."),
  holidayName: text("Holiday name", 120),
});

async function loadTeam(c: Context<AppEnv>): Promise<Team> {
  const team = await findTeam(c.get("app").db, c.req.param("id") ?? "");
  if (!team) throw notFound("Team");
  return team;
}

/** The acting admin and the time of the change, for the audit log. */
function actor(c: Context<AppEnv>): { actorId: string; at: Date } {
  return { actorId: viewerOf(c).id, at: c.get("app").clock.now() };
}

async function teamAdminPage(
  c: Context<AppEnv>,
  team: Team,
  forms: Partial<Pick<TeamAdminProps, "teamForm" | "memberForm" | "holidayForm">> = {},
  status: 200 | 422 = 200,
): Promise<Response> {
  const db = c.get("app").db;
  const [members, candidates, holidays] = await Promise.all([
    membersOf(db, team.id),
    peopleNotInTeam(db, team.id),
    holidaysOf(db, team.id),
  ]);
  return page(
    c,
    <TeamAdminPage
      team={team}
      members={members}
      candidates={candidates}
      holidays={holidays}
      teamForm={forms.teamForm ?? emptyForm}
      memberForm={forms.memberForm ?? emptyForm}
      holidayForm={forms.holidayForm ?? emptyForm}
    />,
    { title: team.name, status },
  );
}

async function teamsAdminPage(c: Context<AppEnv>, form: FormState, status: 200 | 422 = 200): Promise<Response> {
  const teams = await listTeams(c.get("app").db);
  return page(c, <TeamsAdminPage teams={teams} form={form} />, { title: "Teams", status });
}

export function teamRoutes(r: Routes): void {
  r.get("/teams", "signed-in", async (c) => {
    const viewer = viewerOf(c);
    const db = c.get("app").db;
    const teams = await c.get("app").memberships.of(viewer.id);
    const isAdmin = hasRole(viewer, "admin");
    // Admins may open every team's page, so they see the teams they are not on as well.
    const mine = new Set(teams.map((t) => t.id));
    const others = isAdmin ? (await listTeams(db)).filter((t) => !mine.has(t.id)) : [];
    return page(c, <MyTeamsPage teams={teams} otherTeams={others} canManage={isAdmin} />, { title: "Your teams" });
  });

  r.get("/teams/:id", "signed-in", async (c) => {
    const ctx = c.get("app");
    const viewer = viewerOf(c);
    const team = await loadTeam(c);
    if (!hasRole(viewer, "admin") && !(await isTeamMember(ctx.db, team.id, viewer.id)))
      throw forbidden("Only members of this team can see its page.");
    const now = ctx.clock.now();
    const [members, holidays] = await Promise.all([
      membersOf(ctx.db, team.id),
      holidaysOf(ctx.db, team.id, todayIn(team.timeZone, now)),
    ]);
    const active = members.filter((m) => m.status === "active");
    const links = teamLinks(ctx.nav, team.id, (item) => allows(item.access, viewer) && (item.enabled?.() ?? true));
    return page(c, <TeamPage team={team} members={active} holidays={holidays} links={links} now={now} />, {
      title: team.name,
    });
  });

  r.get("/admin/teams", "admin", (c) => teamsAdminPage(c, emptyForm));

  r.post("/admin/teams", "admin", async (c) => {
    const form = await readForm(c, teamForm);
    if (!form.ok) return teamsAdminPage(c, form, 422);
    const created = await createTeam(c.get("app").db, { ...form.data, ...actor(c) });
    if (!created.ok) return teamsAdminPage(c, { values: form.values, errors: created.errors }, 422);
    await c.get("app").changes.announce("teams");
    setFlash(c, "success", `Team ${created.value.name} created. Add its members next.`);
    return redirect(c, `/admin/teams/${created.value.id}`);
  });

  r.get("/admin/teams/:id", "admin", async (c) => teamAdminPage(c, await loadTeam(c)));

  r.post("/admin/teams/:id", "admin", async (c) => {
    const team = await loadTeam(c);
    const form = await readForm(c, teamForm);
    if (!form.ok) return teamAdminPage(c, team, { teamForm: form }, 422);
    const updated = await updateTeam(c.get("app").db, { teamId: team.id, ...form.data, ...actor(c) });
    if (!updated.ok) return teamAdminPage(c, team, { teamForm: { values: form.values, errors: updated.errors } }, 422);
    if (!updated.value) throw notFound("Team");
    await c.get("app").changes.announce("teams");
    setFlash(c, "success", `Team ${updated.value.name} saved.`);
    return redirect(c, `/admin/teams/${team.id}`);
  });

  r.post("/admin/teams/:id/delete", "admin", async (c) => {
    const team = await loadTeam(c);
    if (!(await deleteTeam(c.get("app").db, { teamId: team.id, ...actor(c) }))) throw notFound("Team");
    await c.get("app").changes.announce("teams");
    setFlash(c, "success", `Team ${team.name} deleted.`);
    return redirect(c, "/admin/teams");
  });

  r.post("/admin/teams/:id/members", "admin", async (c) => {
    const team = await loadTeam(c);
    const form = await readForm(c, memberForm);
    if (!form.ok) return teamAdminPage(c, team, { memberForm: form }, 422);
    const added = await addTeamMember(c.get("app").db, {
      teamId: team.id,
      personId: form.data.personId,
      isManager: form.data.manager,
      ...actor(c),
    });
    if (!added.ok) return teamAdminPage(c, team, { memberForm: { values: form.values, errors: added.errors } }, 422);
    await c.get("app").changes.announce("teams");
    setFlash(c, "success", `Member added to ${team.name}.`);
    return redirect(c, `/admin/teams/${team.id}`);
  });

  r.post("/admin/teams/:id/members/:personId/remove", "admin", async (c) => {
    const team = await loadTeam(c);
    const personId = c.req.param("personId") ?? "";
    const removed =
      isUuid(personId) && (await removeTeamMember(c.get("app").db, { teamId: team.id, personId, ...actor(c) }));
    if (!removed) throw notFound("Team member");
    await c.get("app").changes.announce("teams");
    setFlash(c, "success", `Member removed from ${team.name}.`);
    return redirect(c, `/admin/teams/${team.id}`);
  });

  r.post("/admin/teams/:id/members/:personId/manager", "admin", async (c) => {
    const team = await loadTeam(c);
    const personId = c.req.param("personId") ?? "";
    if (!isUuid(personId)) throw notFound("Team member");
    const form = await readForm(c, managerForm);
    if (!form.ok) throw new HttpError(400, "isManager must be true or false.");
    const result = await setTeamManager(c.get("app").db, {
      teamId: team.id,
      personId,
      isManager: form.data.isManager,
      ...actor(c),
    });
    if (!result) throw notFound("Team member");
    await c.get("app").changes.announce("teams");
    setFlash(c, "success", result.isManager ? "They now manage this team." : "They no longer manage this team.");
    return redirect(c, `/admin/teams/${team.id}`);
  });

  r.post("/admin/teams/:id/holidays", "admin", async (c) => {
    const team = await loadTeam(c);
    const form = await readForm(c, holidayForm);
    if (!form.ok) return teamAdminPage(c, team, { holidayForm: form }, 422);
    const added = await addHoliday(c.get("app").db, {
      teamId: team.id,
      day: form.data.holidayDate,
      name: form.data.holidayName,
      ...actor(c),
    });
    if (!added.ok) return teamAdminPage(c, team, { holidayForm: { values: form.values, errors: added.errors } }, 422);
    setFlash(c, "success", `Holiday ${added.value.name} added.`);
    return redirect(c, `/admin/teams/${team.id}`);
  });

  r.post("/admin/teams/:id/holidays/:holidayId/delete", "admin", async (c) => {
    const team = await loadTeam(c);
    const holidayId = c.req.param("holidayId") ?? "";
    const deleted =
      isUuid(holidayId) && (await deleteHoliday(c.get("app").db, { teamId: team.id, holidayId, ...actor(c) }));
    if (!deleted) throw notFound("Holiday");
    setFlash(c, "success", "Holiday deleted.");
    return redirect(c, `/admin/teams/${team.id}`);
  });
}
