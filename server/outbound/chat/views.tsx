import type { Context } from "hono";
import { ActionButton, EmptyState, Field, FormErrors, PageHeader, Select } from "../../../views/components.tsx";
import { formatInstant } from "../../../views/format.ts";
import type { SafeHtml } from "../../../views/html/escape.ts";
import type { AppEnv } from "../../http/env.ts";
import type { FieldErrors } from "../../http/errors.ts";
import type { FormValues } from "../../http/forms.ts";
import { page } from "../../http/render.tsx";
import type { Team } from "../../people/teams.ts";
import { deliveryBadge } from "../delivery-views.tsx";
import type { Delivery } from "../outbox.ts";
import { chatServices } from "../schema.ts";
import { type ChatConnection, connectionsOf, recentChatPosts, serviceNames } from "./connections.ts";

// The team's chat channels page: its connections, the form to add one, and recent posts.

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

export async function chatPage(
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
