import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { SafeHtml } from "../../views/html/escape.ts";
import { invites } from "../auth/schema.ts";
import type { DbOrTx } from "../db/index.ts";
import { rowsOf } from "../db/rows.ts";
import { mayOpen } from "../http/access.ts";
import type { DashboardCard } from "../http/cards.ts";
import type { AppEnv } from "../http/env.ts";
import { people, teamMembers, teams } from "../people/schema.ts";
import { DEMO_OWNER_EMAIL, DEMO_PASSWORD } from "./demo-core.ts";

export interface SetupProgress {
  teams: number;
  /** Active people besides the first one (the owner). */
  others: number;
  invites: number;
  members: number;
}

/** How far a new install has come: teams, people, open invites and team memberships, in one query. */
export async function setupProgress(db: DbOrTx): Promise<SetupProgress> {
  const [row] = rowsOf<{ teams: number; people: number; invites: number; members: number }>(
    await db.execute(sql`select
      (select count(*)::int from ${teams}) as teams,
      (select count(*)::int from ${people} where status = 'active') as people,
      (select count(*)::int from ${invites} where accepted_at is null and revoked_at is null) as invites,
      (select count(*)::int from ${teamMembers}) as members`),
  );
  return {
    teams: row?.teams ?? 0,
    others: Math.max(0, (row?.people ?? 0) - 1),
    invites: row?.invites ?? 0,
    members: row?.members ?? 0,
  };
}

interface Step {
  title: string;
  why: string;
  done: boolean;
  href: string;
  action: string;
}

/** The first steps of a new install, in order; done when the install no longer needs them. */
export function setupSteps(p: SetupProgress): Step[] {
  return [
    {
      title: "Create a team",
      why: "Teams share weekly updates, response-time norms, meeting audits and activity.",
      done: p.teams > 0,
      href: "/admin/teams",
      action: "Create a team",
    },
    {
      title: "Invite people",
      why: "Each invite is a single-use link valid for 7 days; people set their own password.",
      done: p.others > 0 || p.invites > 0,
      href: "/admin/invites",
      action: "Invite people",
    },
    {
      title: "Put people on teams",
      why: "Add members and mark one or more managers; you can add yourself too.",
      done: p.members > 0,
      href: "/admin/teams",
      action: "Open teams",
    },
  ];
}

function GettingStarted(props: { steps: Step[]; canOpen: (path: string) => boolean }): SafeHtml {
  return (
    <>
      <ol class="stack-inner">
        {props.steps.map((step) => (
          <li>
            <strong>{step.title}</strong> {step.done ? <span class="badge badge-success">Done</span> : null}
            <p class="muted small">{step.why}</p>
            {!step.done && props.canOpen(step.href) ? (
              <a class="button button-small" href={step.href}>
                {step.action}
              </a>
            ) : null}
          </li>
        ))}
      </ol>
      <h3>Want to look around with sample data first?</h3>
      <p class="small">
        The demo organization (several teams across time zones, twelve weeks of updates, asks and calendars) loads only
        into an empty install, so it never mixes with your real people. Start a second copy with its own data and port,
        and sign in there as <code>{DEMO_OWNER_EMAIL}</code> (password <code>{DEMO_PASSWORD}</code>):
      </p>
      <ol class="small">
        <li>
          <code>DATA_DIR=./demo-data npx desktrust demo</code>
        </li>
        <li>
          <code>DATA_DIR=./demo-data PORT=3001 npm start</code>
        </li>
      </ol>
    </>
  );
}

/** Next steps for the first admins, shown until the install has a team with people on it. */
export const gettingStartedCard: DashboardCard = {
  id: "core.getting-started",
  title: "Getting started",
  access: "admin",
  order: 1,
  // Counts people, teams and invites: after the page, like plugin cards.
  loading: "lazy",
  async render(c: Context<AppEnv>) {
    const ctx = c.get("app");
    const steps = setupSteps(await setupProgress(ctx.db));
    if (steps.every((s) => s.done)) return null;
    const viewer = c.get("viewer");
    return <GettingStarted steps={steps} canOpen={(path) => mayOpen(ctx.routes, viewer, path)} />;
  },
};
