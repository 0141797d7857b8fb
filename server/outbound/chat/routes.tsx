import type { Context } from "hono";
import { z } from "zod";
import { ActionButton, EmptyState, Field, FormErrors, PageHeader, Select } from "../../../views/components.tsx";
import { formatInstant } from "../../../views/format.ts";
import type { SafeHtml } from "../../../views/html/escape.ts";
import { hasRole, type Routes, viewerOf } from "../../http/access.ts";
import type { AppEnv } from "../../http/env.ts";
import { type FieldErrors, HttpError } from "../../http/errors.ts";
import { setFlash } from "../../http/flash.ts";
import { type FormValues, readForm } from "../../http/forms.ts";
import { page, redirect } from "../../http/render.tsx";
import { audit } from "../../org/audit.ts";
import { findTeam, isTeamMember } from "../../people/teams.ts";
import { deliveryBadge } from "../delivery-views.tsx";
import type { Delivery } from "../outbox.ts";
import { type ChatService, chatServices } from "../schema.ts";
import { endpointUrl } from "../webhook-routes.tsx";
import {
  type ChatConnection,
  connectionsOf,
  createConnection,
  deleteConnection,
  findConnection,
  queueChatPost,
  recentChatPosts,
  sealedUrl,
  serviceNames,
  slashTokenHash,
  slashTokenOwner,
  updateConnection,
} from "./connections.ts";

type Team = NonNullable<Awaited<ReturnType<typeof findTeam>>>;

const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());

const connectionForm = z.object({
  service: z.enum(chatServices, "Choose Microsoft Teams, Mattermost or Google Chat."),
  label: z.string().trim().max(100, "Keep the name under 100 characters.").default(""),
  url: endpointUrl,
  postBottomLines: checkbox,
  postReminders: checkbox,
  slashToken: z.string().trim().max(200, "That is not a Mattermost token.").default(""),
});

const settingsForm = connectionForm.extend({
  // Left empty, the stored URL stays (it is never shown back).
  url: z.union([z.literal(""), endpointUrl]).default(""),
  clearSlashToken: checkbox,
});

/** The team, and whether the viewer may change its channels (its managers and admins). Members may look. */
async function teamAccess(c: Context<AppEnv>): Promise<{ team: Team; canManage: boolean }> {
  const ctx = c.get("app");
  const viewer = viewerOf(c);
  const team = await findTeam(ctx.db, c.req.param("teamId") ?? "");
  if (!team) throw new HttpError(404, "There is no such team.");
  const canManage = hasRole(viewer, "admin") || (await isTeamMember(ctx.db, team.id, viewer.id, true));
  if (!canManage && !(await isTeamMember(ctx.db, team.id, viewer.id)))
    throw new HttpError(403, "Only members of this team can see its chat channels.");
  return { team, canManage };
}

async function managedTeam(c: Context<AppEnv>): Promise<Team> {
  const { team, canManage } = await teamAccess(c);
  if (!canManage) throw new HttpError(403, "Only the team's managers and admins can change its chat channels.");
  return team;
}

function Checkbox(props: { name: string; label: string; checked: boolean }): SafeHtml {
  return (
    <label class="checkbox">
      <input type="checkbox" name={props.name} value="on" checked={props.checked} /> {props.label}
    </label>
  );
}

function ConnectionFields(props: {
  values: FormValues;
  errors: FieldErrors;
  editing: ChatConnection | null;
}): SafeHtml {
  const v = props.values;
  const on = (name: string, fallback: boolean): boolean =>
    name in v ? v[name] === "on" || v[name] === "true" : fallback;
  return (
    <>
      {props.editing ? (
        <input type="hidden" name="service" value={props.editing.service} />
      ) : (
        <Select
          label="Service"
          name="service"
          value={String(v.service ?? "teams")}
          error={props.errors.service}
          options={chatServices.map((s) => ({ value: s, label: serviceNames[s] }))}
        />
      )}
      <Field
        label="Channel name"
        name="label"
        value={String(v.label ?? "")}
        error={props.errors.label}
        hint="For you, e.g. “#platform-team”."
      />
      <Field
        label={props.editing ? "New webhook URL" : "Webhook URL"}
        name="url"
        type="url"
        value={String(v.url ?? "")}
        error={props.errors.url}
        hint={
          props.editing
            ? `Stored encrypted and never shown again (${props.editing.urlHint}). Leave empty to keep it.`
            : "The channel's incoming-webhook URL. It is stored encrypted and never shown again."
        }
        required={!props.editing}
      />
      <fieldset>
        <legend>Post to this channel</legend>
        <Checkbox
          name="postBottomLines"
          label="Last week's bottom lines (Monday 09:00 team time)"
          checked={on("postBottomLines", true)}
        />
        <Checkbox
          name="postReminders"
          label="A reminder on the due day while updates are missing"
          checked={on("postReminders", true)}
        />
      </fieldset>
      {!props.editing || props.editing.service === "mattermost" ? (
        <Field
          label="Mattermost slash command token (optional)"
          name="slashToken"
          value=""
          error={props.errors.slashToken}
          hint={
            props.editing?.hasSlashCommand
              ? "A token is set. Enter a new one to replace it."
              : "For /desktrust: the token Mattermost shows for the slash command. Stored hashed."
          }
        />
      ) : null}
      {props.editing?.hasSlashCommand ? (
        <Checkbox name="clearSlashToken" label="Turn the slash command off" checked={false} />
      ) : null}
    </>
  );
}

function PostsTable(props: { posts: Delivery[]; timeZone: string }): SafeHtml {
  if (!props.posts.length) return <p class="muted">Nothing posted yet.</p>;
  return (
    <div class="table-wrap">
      <table class="table-cards">
        <thead>
          <tr>
            <th scope="col">Post</th>
            <th scope="col">Status</th>
            <th scope="col">Queued</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {props.posts.map((p) => (
            <tr>
              <td data-label="Post">{p.eventType}</td>
              <td data-label="Status">
                <span class={deliveryBadge[p.status]}>{p.status}</span>
              </td>
              <td data-label="Queued" class="nowrap">
                {formatInstant(p.createdAt, props.timeZone)}
              </td>
              <td data-label="Last error" class="mail-error">
                {p.lastError ?? <span class="muted">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function chatPage(
  c: Context<AppEnv>,
  team: Team,
  canManage: boolean,
  form: { values: FormValues; errors: FieldErrors; status: 200 | 422 } = { values: {}, errors: {}, status: 200 },
): Promise<Response> {
  const ctx = c.get("app");
  const connections = await connectionsOf(ctx.db, team.id);
  const posts = await recentChatPosts(
    ctx.db,
    connections.map((x) => x.id),
  );
  const timeZone = c.get("viewer")?.timeZone ?? "UTC";
  const base = `/teams/${team.id}/chat`;
  return page(
    c,
    <>
      <p class="small">
        <a href={`/teams/${team.id}`}>← {team.name}</a>
      </p>
      <PageHeader title={`Chat channels: ${team.name}`} />
      <p class="muted">
        The team's weekly bottom lines and update reminders, posted to Microsoft Teams, Mattermost or Google Chat. If a
        service is down, posts wait and are sent once it is back.
      </p>
      <details class="small">
        <summary>Where the webhook URL comes from</summary>
        <ul>
          <li>
            Microsoft Teams: in the channel, Workflows → “Post to a channel when a webhook request is received”; copy
            the URL it shows.
          </li>
          <li>Mattermost: Integrations → Incoming Webhooks → Add, pick the channel; copy the URL.</li>
          <li>Google Chat: in the space, Apps &amp; integrations → Webhooks → Add; copy the URL.</li>
        </ul>
      </details>
      {connections.length ? (
        connections.map((x) => (
          <section class="card" aria-label={`${serviceNames[x.service]} ${x.label}`}>
            <h2>
              {serviceNames[x.service]}
              {x.label ? `: ${x.label}` : ""}{" "}
              <span class={x.enabled ? "badge badge-success" : "badge"}>{x.enabled ? "on" : "paused"}</span>
            </h2>
            <p class="small break">
              Webhook <code>{x.urlHint}</code> · posts{" "}
              {[x.postBottomLines ? "bottom lines" : "", x.postReminders ? "reminders" : ""]
                .filter(Boolean)
                .join(" and ") || "nothing"}
              {x.hasSlashCommand ? " · answers /desktrust" : ""}
            </p>
            {canManage ? (
              <>
                <div class="page-actions">
                  <ActionButton action={`${base}/${x.id}/test`} label="Send a test post" />
                  <ActionButton
                    action={`${base}/${x.id}/enabled`}
                    label={x.enabled ? "Pause" : "Resume"}
                    fields={{ enabled: x.enabled ? "false" : "true" }}
                  />
                  <ActionButton
                    action={`${base}/${x.id}/delete`}
                    label="Remove"
                    danger
                    confirm="Remove this channel? Posts not yet sent are dropped."
                  />
                </div>
                <details>
                  <summary>Change</summary>
                  <form method="post" action={`${base}/${x.id}`} class="stack" novalidate>
                    <ConnectionFields
                      values={{
                        label: x.label,
                        postBottomLines: x.postBottomLines ? "on" : "",
                        postReminders: x.postReminders ? "on" : "",
                      }}
                      errors={{}}
                      editing={x}
                    />
                    <div>
                      <button type="submit">Save</button>
                    </div>
                  </form>
                </details>
              </>
            ) : null}
          </section>
        ))
      ) : (
        <EmptyState title="No chat channels yet.">
          {canManage ? <p>Add the team's channel below.</p> : <p>The team's managers can add one.</p>}
        </EmptyState>
      )}
      {canManage ? (
        <section class="card" aria-labelledby="add-title">
          <h2 id="add-title">Add a channel</h2>
          <FormErrors errors={form.errors} />
          <form method="post" action={base} class="stack" novalidate>
            <ConnectionFields values={form.values} errors={form.errors} editing={null} />
            <div>
              <button type="submit">Add channel</button>
            </div>
          </form>
        </section>
      ) : null}
      <section class="card" aria-labelledby="posts-title">
        <h2 id="posts-title">Recent posts</h2>
        <PostsTable posts={posts} timeZone={timeZone} />
      </section>
    </>,
    { title: `Chat channels: ${team.name}`, status: form.status },
  );
}

async function requireConnection(c: Context<AppEnv>, team: Team): Promise<ChatConnection> {
  const connection = await findConnection(c.get("app").db, team.id, c.req.param("id") ?? "");
  if (!connection) throw new HttpError(404, "This team has no such chat channel.");
  return connection;
}

async function tokenTaken(c: Context<AppEnv>, hash: string, except?: string): Promise<boolean> {
  const owner = await slashTokenOwner(c.get("app").db, hash);
  return owner !== null && owner.id !== except;
}

export function chatRoutes(r: Routes): void {
  r.get("/teams/:teamId/chat", "member", async (c) => {
    const { team, canManage } = await teamAccess(c);
    return chatPage(c, team, canManage);
  });

  r.post("/teams/:teamId/chat", "member", async (c) => {
    const ctx = c.get("app");
    const team = await managedTeam(c);
    const form = await readForm(c, connectionForm);
    if (!form.ok) return chatPage(c, team, true, { values: form.values, errors: form.errors, status: 422 });
    const hash = form.data.slashToken ? slashTokenHash(form.data.slashToken) : null;
    if (hash && form.data.service !== "mattermost")
      return chatPage(c, team, true, {
        values: form.values,
        errors: { slashToken: "Slash commands are for Mattermost channels only." },
        status: 422,
      });
    if (hash && (await tokenTaken(c, hash)))
      return chatPage(c, team, true, {
        values: form.values,
        errors: { slashToken: "Another channel already uses this token." },
        status: 422,
      });
    const sealed = await sealedUrl(ctx, form.data.url);
    const now = ctx.clock.now();
    const viewer = viewerOf(c);
    await ctx.db.transaction(async (tx) => {
      const id = await createConnection(tx, {
        teamId: team.id,
        service: form.data.service as ChatService,
        label: form.data.label,
        ...sealed,
        postBottomLines: form.data.postBottomLines,
        postReminders: form.data.postReminders,
        slashTokenHash: hash,
        createdBy: viewer.id,
        at: now,
      });
      await audit(tx, {
        actorId: viewer.id,
        action: "chat.connected",
        target: id,
        details: { teamId: team.id, service: form.data.service, url: sealed.urlHint },
        at: now,
      });
    });
    setFlash(
      c,
      "success",
      `${serviceNames[form.data.service as ChatService]} channel added. Send a test post to check it.`,
    );
    return redirect(c, `/teams/${team.id}/chat`);
  });

  r.post("/teams/:teamId/chat/:id", "member", async (c) => {
    const ctx = c.get("app");
    const team = await managedTeam(c);
    const connection = await requireConnection(c, team);
    const form = await readForm(c, settingsForm);
    if (!form.ok) return chatPage(c, team, true, { values: {}, errors: form.errors, status: 422 });
    const hash = form.data.slashToken ? slashTokenHash(form.data.slashToken) : null;
    if (hash && connection.service !== "mattermost")
      throw new HttpError(422, "Slash commands are for Mattermost channels only.");
    if (hash && (await tokenTaken(c, hash, connection.id)))
      throw new HttpError(409, "Another channel already uses this slash command token.");
    const sealed = form.data.url ? await sealedUrl(ctx, form.data.url) : {};
    const now = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      await updateConnection(tx, connection.id, {
        label: form.data.label,
        postBottomLines: form.data.postBottomLines,
        postReminders: form.data.postReminders,
        ...sealed,
        ...(hash ? { slashTokenHash: hash } : form.data.clearSlashToken ? { slashTokenHash: null } : {}),
        at: now,
      });
      await audit(tx, {
        actorId: viewerOf(c).id,
        action: "chat.updated",
        target: connection.id,
        details: { teamId: team.id, urlReplaced: Boolean(form.data.url) },
        at: now,
      });
    });
    setFlash(c, "success", "Channel saved.");
    return redirect(c, `/teams/${team.id}/chat`);
  });

  r.post("/teams/:teamId/chat/:id/enabled", "member", async (c) => {
    const ctx = c.get("app");
    const team = await managedTeam(c);
    const connection = await requireConnection(c, team);
    const form = await readForm(c, z.object({ enabled: z.enum(["true", "false"], "Say true or false.") }));
    if (!form.ok) throw new HttpError(422, "Say true or false.");
    const now = ctx.clock.now();
    const enabled = form.data.enabled === "true";
    await ctx.db.transaction(async (tx) => {
      await updateConnection(tx, connection.id, { enabled, at: now });
      await audit(tx, {
        actorId: viewerOf(c).id,
        action: enabled ? "chat.resumed" : "chat.paused",
        target: connection.id,
        at: now,
      });
    });
    setFlash(c, "success", enabled ? "Posting resumed." : "Posting paused.");
    return redirect(c, `/teams/${team.id}/chat`);
  });

  r.post("/teams/:teamId/chat/:id/test", "member", async (c) => {
    const ctx = c.get("app");
    const team = await managedTeam(c);
    const connection = await requireConnection(c, team);
    const now = ctx.clock.now();
    await queueChatPost(
      ctx.db,
      connection,
      {
        dedupeKey: `chat:${connection.id}:test:${now.getTime()}`,
        eventType: "chat.test",
        message: {
          title: `DeskTrust is connected to ${team.name}`,
          summary: "This channel will get the team's weekly bottom lines and update reminders.",
          items: [],
          action: { title: "Open DeskTrust", url: ctx.config.baseUrl },
        },
      },
      now,
    );
    setFlash(c, "success", "Test post queued: it goes out within a minute. Its result shows under Recent posts.");
    return redirect(c, `/teams/${team.id}/chat`);
  });

  r.post("/teams/:teamId/chat/:id/delete", "member", async (c) => {
    const ctx = c.get("app");
    const team = await managedTeam(c);
    const connection = await requireConnection(c, team);
    const now = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      await deleteConnection(tx, connection.id);
      await audit(tx, {
        actorId: viewerOf(c).id,
        action: "chat.removed",
        target: connection.id,
        details: { teamId: team.id, service: connection.service },
        at: now,
      });
    });
    setFlash(c, "success", "Channel removed.");
    return redirect(c, `/teams/${team.id}/chat`);
  });
}
