import { hashPassword } from "../auth/password.ts";
import type { Tx } from "../db/index.ts";
import type { WorkingHours } from "../people/schema.ts";
import { people, teamHolidays, teamMembers, teams } from "../people/schema.ts";
import type { DemoOrg } from "./demo.ts";
import { organization } from "./schema.ts";

/** Every demo account signs in with this password. The demo is for looking around, not for real data. */
export const DEMO_PASSWORD = "demo-password";
export const DEMO_OWNER_EMAIL = "ada@northwind.example";

const demoTeams = [
  { name: "Platform", timeZone: "Europe/Berlin", hours: ["09:00", "17:30"] },
  { name: "Mobile", timeZone: "America/New_York", hours: ["09:00", "17:00"] },
  { name: "Support", timeZone: "Asia/Kolkata", hours: ["10:00", "18:00"] },
  { name: "Design", timeZone: "Australia/Sydney", hours: ["08:30", "16:30"] },
] as const;

const firstNames = [
  "Ada",
  "Bruno",
  "Chloé",
  "Dmitri",
  "Esi",
  "Farah",
  "Gustavo",
  "Hana",
  "Ivo",
  "Jun",
  "Kemal",
  "Lena",
  "Mateo",
  "Nia",
  "Oskar",
  "Priya",
  "Quinn",
  "Rosa",
  "Sami",
  "Tomás",
  "Uma",
  "Viktor",
  "Wen",
  "Ximena",
  "Yusuf",
  "Zoë",
  "Amara",
  "Bastian",
  "Carmen",
  "Dev",
  "Elif",
  "Finn",
];
const lastNames = [
  "Lovelace",
  "Costa",
  "Martin",
  "Ivanov",
  "Mensah",
  "Haddad",
  "Silva",
  "Sato",
  "Novak",
  "Park",
  "Yilmaz",
  "Fischer",
  "Rossi",
  "Okafor",
  "Berg",
  "Raman",
  "Doyle",
  "García",
  "Nieminen",
  "Herrera",
  "Iyer",
  "Petrov",
  "Zhang",
  "López",
  "Demir",
  "Moreau",
  "Eze",
  "Weber",
  "Ruiz",
  "Shah",
  "Kaya",
  "Murphy",
];

function hoursFor(start: string, end: string): WorkingHours {
  return { mon: [[start, end]], tue: [[start, end]], wed: [[start, end]], thu: [[start, end]], fri: [[start, end]] };
}

/** How big a demo to make: the default is the small demo; `desktrust seed` asks for more. */
export interface DemoSize {
  /** People in the organization (at least 8). */
  people: number;
  /** Weeks of history plugins generate. */
  weeks: number;
}

export const DEMO_SIZE: DemoSize = { people: firstNames.length, weeks: 12 };

/** About this many people per team when the organization is scaled up. */
const TEAM_SIZE = 10;

/** Unique first names first (the small demo's sign-in addresses), then first.last[.n] for more. */
function demoIdentity(i: number): { first: string; last: string; local: string } {
  const first = firstNames[i % firstNames.length] as string;
  const last = lastNames[(i + Math.floor(i / firstNames.length)) % lastNames.length] as string;
  const plain = (text: string): string =>
    text
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z]/g, "");
  const round = Math.floor(i / (firstNames.length * lastNames.length));
  const local = i < firstNames.length ? plain(first) : `${plain(first)}.${plain(last)}${round ? `.${round + 1}` : ""}`;
  return { first, last, local };
}

/** The hash every demo account shares; computed before the transaction (argon2id takes a while). */
export const demoPasswordHash = (): Promise<string> => hashPassword(DEMO_PASSWORD);

/**
 * Creates the demo organization: teams across four time zones (four teams of eight in the small
 * demo, about ten people a team when scaled up), a manager per team, a few holidays. Plugins
 * then add their demo data on top (see `DemoContributor`).
 */
export async function createDemoCore(
  tx: Tx,
  now: Date,
  passwordHash: string,
  size: DemoSize = DEMO_SIZE,
): Promise<DemoOrg> {
  await tx.insert(organization).values({
    id: 1,
    name: "Northwind Labs",
    emailDomains: ["northwind.example"],
    defaultTimeZone: "Europe/Berlin",
  });
  const teamCount =
    size.people <= firstNames.length
      ? demoTeams.length
      : Math.max(demoTeams.length, Math.round(size.people / TEAM_SIZE));
  const teamSpecs = Array.from({ length: teamCount }, (_, t) => {
    const base = demoTeams[t % demoTeams.length] as (typeof demoTeams)[number];
    const round = Math.floor(t / demoTeams.length);
    return { ...base, name: round ? `${base.name} ${round + 1}` : base.name };
  });
  const rows = Array.from({ length: size.people }, (_, i) => {
    const team = teamSpecs[i % teamCount] as (typeof teamSpecs)[number];
    const { first, last, local } = demoIdentity(i);
    // One owner, one admin, then a manager for each team.
    const role =
      i === 0
        ? ("owner" as const)
        : i === 1
          ? ("admin" as const)
          : i <= teamCount + 1
            ? ("manager" as const)
            : ("member" as const);
    return {
      email: `${local}@northwind.example`,
      name: `${first} ${last}`,
      role,
      timeZone: team.timeZone,
      workingHours: hoursFor(team.hours[0], team.hours[1]),
      startDate: new Date(now.getTime() - (400 + (i % 40) * 23) * 86_400_000).toISOString().slice(0, 10),
      passwordHash,
    };
  });
  const inserted: (typeof people.$inferSelect)[] = [];
  for (let i = 0; i < rows.length; i += 500)
    inserted.push(
      ...(await tx
        .insert(people)
        .values(rows.slice(i, i + 500))
        .returning()),
    );
  const teamRows = await tx
    .insert(teams)
    .values(teamSpecs.map((t) => ({ name: t.name, timeZone: t.timeZone })))
    .returning();
  const result: DemoOrg = {
    ownerId: (inserted[0] as (typeof inserted)[number]).id,
    people: inserted.map((p) => ({ id: p.id, email: p.email, name: p.name, timeZone: p.timeZone, role: p.role })),
    teams: [],
    now,
    weeks: size.weeks,
  };
  const memberships: (typeof teamMembers.$inferInsert)[] = [];
  for (const [t, team] of teamRows.entries()) {
    const members = inserted.filter((_, i) => i % teamCount === t);
    // The team's first manager-role person manages it; the owner and admin are plain members.
    const managers = members.filter((p) => p.role === "manager").slice(0, 1);
    memberships.push(...members.map((p) => ({ teamId: team.id, personId: p.id, isManager: managers.includes(p) })));
    result.teams.push({
      id: team.id,
      name: team.name,
      timeZone: team.timeZone,
      memberIds: members.map((p) => p.id),
      managerIds: managers.map((p) => p.id),
    });
  }
  // A statement per thousand memberships rather than one per team: this transaction holds the
  // embedded database until it commits.
  for (let i = 0; i < memberships.length; i += 1000)
    await tx.insert(teamMembers).values(memberships.slice(i, i + 1000));
  const year = now.getUTCFullYear();
  await tx.insert(teamHolidays).values([
    { teamId: (teamRows[0] as { id: string }).id, day: `${year}-12-25`, name: "Christmas Day" },
    { teamId: (teamRows[1] as { id: string }).id, day: `${year}-11-26`, name: "Thanksgiving" },
    { teamId: (teamRows[2] as { id: string }).id, day: `${year + 1}-01-26`, name: "Republic Day" },
    { teamId: (teamRows[3] as { id: string }).id, day: `${year + 1}-01-26`, name: "Australia Day" },
  ]);
  return result;
}
