import { and, asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import { ActionButton, PageHeader } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import { chatAccounts, chatTeamChannels } from "../chat/schema.ts";
import type { Routes } from "../http/access.ts";
import { HttpError } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { readForm } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { audit } from "../org/audit.ts";
import { teams } from "../people/schema.ts";
import { linkPeopleByEmail } from "./accounts.ts";
import { postBottomLines } from "./jobs.ts";

/** A Slack channel id (`C…` public, `G…` private), as shown under the channel's details. */
const channelId = /^[CG][A-Z0-9]{6,}$/;

function SlackPage(props: {
  configured: boolean;
  baseUrl: string;
  linked: number;
  rows: { id: string; name: string; channelId: string | null }[];
}): SafeHtml {
  const url = (path: string): string => `${props.baseUrl}/integrations/slack/${path}`;
  return (
    <>
      <PageHeader title="Slack" />
      <section class="card stack">
        <h2>Connection</h2>
        {props.configured ? (
          <p>
            The Slack app is connected: reminders and asks go to people's Slack DMs (for people who linked an account
            and keep chat on), and <code>/desktrust update</code> opens the update form.
          </p>
        ) : (
          <p class="alert alert-info">
            Not connected. Create the Slack app from the manifest in docs/slack.md (the Slack guide), then set{" "}
            <code>SLACK_BOT_TOKEN</code> and <code>SLACK_SIGNING_SECRET</code> and restart.
          </p>
        )}
        <dl class="stack">
          <dt>Event Subscriptions Request URL</dt>
          <dd>
            <code>{url("events")}</code>
          </dd>
          <dt>Interactivity Request URL</dt>
          <dd>
            <code>{url("interactivity")}</code>
          </dd>
          <dt>Slash command /desktrust Request URL</dt>
          <dd>
            <code>{url("commands")}</code>
          </dd>
        </dl>
      </section>
      <section class="card stack">
        <h2>People</h2>
        <p>
          {props.linked} {props.linked === 1 ? "person has" : "people have"} a linked Slack account. People link
          themselves the first time they use the app; accounts link only through an email address Slack has verified.
        </p>
        {props.configured ? <ActionButton action="/admin/slack/link" label="Link everyone by verified email" /> : null}
      </section>
      <section class="card stack">
        <h2>Team channels</h2>
        <p class="muted small">
          Each team's bottom lines are posted to its channel when its update period closes. Use the channel id from the
          channel's details in Slack (it starts with C), and invite the app to the channel.
        </p>
        <form method="post" action="/admin/slack/channels" class="stack">
          <table class="table-cards">
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col">Slack channel id</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr>
                  <th scope="row">{row.name}</th>
                  <td data-label="Slack channel id">
                    <input
                      type="text"
                      name={`channel-${row.id}`}
                      value={row.channelId ?? ""}
                      aria-label={`Slack channel id for ${row.name}`}
                      placeholder="C0123456789"
                      pattern="[CG][A-Z0-9]{6,}"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div>
            <button type="submit">Save channels</button>
          </div>
        </form>
        {props.configured ? (
          <ActionButton action="/admin/slack/post-now" label="Post last period's bottom lines now" />
        ) : null}
      </section>
    </>
  );
}

async function teamChannels(
  db: Parameters<typeof linkPeopleByEmail>[0],
): Promise<{ id: string; name: string; channelId: string | null }[]> {
  return db
    .select({ id: teams.id, name: teams.name, channelId: chatTeamChannels.channelId })
    .from(teams)
    .leftJoin(chatTeamChannels, and(eq(chatTeamChannels.teamId, teams.id), eq(chatTeamChannels.provider, "slack")))
    .orderBy(asc(teams.name));
}

export function slackAdminRoutes(r: Routes): void {
  r.get("/admin/slack", "admin", async (c) => {
    const ctx = c.get("app");
    const [rows, [linked]] = await Promise.all([
      teamChannels(ctx.db),
      ctx.db.select({ n: count() }).from(chatAccounts).where(eq(chatAccounts.provider, "slack")),
    ]);
    return page(
      c,
      <SlackPage
        configured={Boolean(ctx.config.slack)}
        baseUrl={ctx.config.baseUrl}
        linked={linked?.n ?? 0}
        rows={rows}
      />,
      { title: "Slack" },
    );
  });

  r.post("/admin/slack/channels", "admin", async (c) => {
    const ctx = c.get("app");
    const viewer = c.get("viewer");
    const form = await readForm(c, z.record(z.string(), z.union([z.string(), z.array(z.string())])));
    if (!form.ok) throw new HttpError(422, "Send one channel id per team.");
    const rows = await teamChannels(ctx.db);
    const wanted = rows.map((row) => ({ row, value: String(form.values[`channel-${row.id}`] ?? "").trim() }));
    const bad = wanted.find((w) => w.value && !channelId.test(w.value));
    if (bad)
      throw new HttpError(
        422,
        `“${bad.value}” for ${bad.row.name} is not a Slack channel id (C followed by letters and digits).`,
        {
          fields: { [`channel-${bad.row.id}`]: "A channel id such as C0123456789." },
        },
      );
    const now = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      for (const { row, value } of wanted) {
        if (value === (row.channelId ?? "")) continue;
        if (value)
          await tx
            .insert(chatTeamChannels)
            .values({ teamId: row.id, provider: "slack", channelId: value, updatedAt: now })
            .onConflictDoUpdate({
              target: [chatTeamChannels.teamId, chatTeamChannels.provider],
              set: { channelId: value, updatedAt: now },
            });
        else
          await tx
            .delete(chatTeamChannels)
            .where(and(eq(chatTeamChannels.teamId, row.id), eq(chatTeamChannels.provider, "slack")));
        await audit(tx, { actorId: viewer?.id ?? null, action: "slack.channel", target: row.id, at: now });
      }
    });
    setFlash(c, "success", "Team channels saved.");
    return redirect(c, "/admin/slack");
  });

  r.post("/admin/slack/link", "admin", async (c) => {
    const ctx = c.get("app");
    if (!ctx.config.slack) throw new HttpError(409, "Slack is not connected.");
    const linked = await linkPeopleByEmail(ctx.db, ctx.config.slack, ctx.clock.now());
    setFlash(c, "success", `Linked ${linked} ${linked === 1 ? "person" : "people"} by verified email.`);
    return redirect(c, "/admin/slack");
  });

  r.post("/admin/slack/post-now", "admin", async (c) => {
    const ctx = c.get("app");
    if (!ctx.config.slack) throw new HttpError(409, "Slack is not connected.");
    const queued = await postBottomLines(ctx, ctx.clock.now(), { anyTime: true });
    setFlash(c, "success", `Queued ${queued} channel ${queued === 1 ? "post" : "posts"} (each period posts once).`);
    return redirect(c, "/admin/slack");
  });
}
