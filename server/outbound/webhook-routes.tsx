import type { Context } from "hono";
import { z } from "zod";
import { ActionButton, EmptyState, Field, FormErrors, PageHeader } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import { type Routes, viewerOf } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { type FieldErrors, HttpError } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { type FormValues, readForm } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { audit } from "../org/audit.ts";
import { DeliveryTable } from "./delivery-views.tsx";
import { webhookUrl } from "./fields.ts";
import { enqueueDelivery, listDeliveries } from "./outbox.ts";
import {
  createEndpoint,
  deleteEndpoint,
  findEndpoint,
  listEndpoints,
  newSealedSecret,
  replaceSecret,
  updateEndpoint,
  type WebhookEndpoint,
  webhookEvents,
  webhookEventTypes,
} from "./webhooks.ts";

const asList = (v: unknown): unknown => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);

/** Errors on one chosen event (`events.2`) belong to the events fieldset. */
function groupEventErrors(errors: FieldErrors): FieldErrors {
  const grouped: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) grouped[key.startsWith("events.") ? "events" : key] ??= message;
  return grouped;
}

const endpointForm = z.object({
  url: webhookUrl,
  description: z.string().trim().max(200, "Keep the description under 200 characters.").default(""),
  events: z.preprocess(
    asList,
    z
      .array(z.enum(webhookEventTypes as [string, ...string[]], "Choose events from the list."))
      .min(1, "Choose at least one event."),
  ),
});

function EventChoices(props: { chosen: string[]; error?: string | undefined }): SafeHtml {
  return (
    <fieldset class={props.error ? "has-error" : undefined}>
      <legend>Events</legend>
      {webhookEvents.map((e) => (
        <label class="checkbox">
          <input type="checkbox" name="events" value={e.type} checked={props.chosen.includes(e.type)} /> {e.label}{" "}
          <code>{e.type}</code>
        </label>
      ))}
      {props.error ? <p class="field-error">{props.error}</p> : null}
    </fieldset>
  );
}

function EndpointForm(props: { action: string; values: FormValues; errors: FieldErrors; submit: string }): SafeHtml {
  const chosen = asList(props.values.events) as string[];
  return (
    <form method="post" action={props.action} class="stack" novalidate>
      <FormErrors errors={props.errors} />
      <Field
        label="Endpoint URL"
        name="url"
        type="url"
        value={String(props.values.url ?? "")}
        error={props.errors.url}
        hint="Receives a signed JSON POST per event (Standard Webhooks)."
        required
      />
      <Field
        label="Description"
        name="description"
        value={String(props.values.description ?? "")}
        error={props.errors.description}
        hint="Optional: what receives these events."
      />
      <EventChoices chosen={chosen} error={props.errors.events} />
      <div>
        <button type="submit">{props.submit}</button>
      </div>
    </form>
  );
}

/** The signing secret, once: after creation or rotation. */
function SecretOnce(props: { secret: string }): SafeHtml {
  return (
    <section class="card" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret</h2>
      <p>
        Copy it now: it is shown only once. The receiver verifies each request's <code>webhook-signature</code> with it.
      </p>
      <label for="webhook-secret">Secret</label>
      <input id="webhook-secret" type="text" readonly value={props.secret} />
    </section>
  );
}

function EndpointsPage(props: { endpoints: WebhookEndpoint[] }): SafeHtml {
  return (
    <>
      <PageHeader title="Webhooks">
        <a class="button button-secondary button-small" href="/admin/deliveries">
          Delivery log
        </a>
        <a class="button button-small" href="/admin/webhooks/new">
          Add endpoint
        </a>
      </PageHeader>
      <p class="muted">
        Events are sent to each endpoint that subscribes to them, signed per the Standard Webhooks specification, and
        retried with backoff for 72 hours.
      </p>
      {props.endpoints.length ? (
        <div class="table-wrap">
          <table class="table-cards">
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {props.endpoints.map((e) => (
                <tr>
                  <td data-label="Endpoint" class="break">
                    <a href={`/admin/webhooks/${e.id}`}>{e.url}</a>
                    {e.description ? <div class="muted small">{e.description}</div> : null}
                  </td>
                  <td data-label="Events">{e.events.join(", ")}</td>
                  <td data-label="State">
                    <span class={e.enabled ? "badge badge-success" : "badge"}>
                      {e.enabled ? "enabled" : "disabled"}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <EmptyState title="No webhook endpoints yet.">
          <p>
            <a href="/admin/webhooks/new">Add an endpoint</a> to send updates, asks, SLA alerts, briefs and decisions to
            another system.
          </p>
        </EmptyState>
      )}
    </>
  );
}

async function endpointPage(
  c: Context<AppEnv>,
  endpoint: WebhookEndpoint,
  extra: { values?: FormValues; errors?: FieldErrors; secret?: string; status?: 200 | 201 | 422 } = {},
): Promise<Response> {
  const ctx = c.get("app");
  const deliveries = await listDeliveries(ctx.db, { kind: "webhook", targetId: endpoint.id }, 50);
  const timeZone = c.get("viewer")?.timeZone ?? "UTC";
  return page(
    c,
    <>
      <p class="small">
        <a href="/admin/webhooks">← Webhooks</a>
      </p>
      <PageHeader title={endpoint.description || "Webhook endpoint"}>
        <ActionButton action={`/admin/webhooks/${endpoint.id}/test`} label="Send a test event" />
        <ActionButton
          action={`/admin/webhooks/${endpoint.id}/enabled`}
          label={endpoint.enabled ? "Disable" : "Enable"}
          fields={{ enabled: endpoint.enabled ? "false" : "true" }}
        />
        <ActionButton
          action={`/admin/webhooks/${endpoint.id}/rotate`}
          label="New secret"
          confirm="Receivers must switch to the new secret. Continue?"
        />
        <ActionButton
          action={`/admin/webhooks/${endpoint.id}/delete`}
          label="Delete"
          danger
          confirm="Delete this endpoint? Queued deliveries to it are dropped."
        />
      </PageHeader>
      {extra.secret ? <SecretOnce secret={extra.secret} /> : null}
      <section class="card" aria-labelledby="settings-title">
        <h2 id="settings-title">Settings</h2>
        <p>
          State:{" "}
          <span class={endpoint.enabled ? "badge badge-success" : "badge"}>
            {endpoint.enabled ? "enabled" : "disabled"}
          </span>{" "}
          · created {formatInstant(endpoint.createdAt, timeZone)}
        </p>
        <EndpointForm
          action={`/admin/webhooks/${endpoint.id}`}
          values={extra.values ?? { url: endpoint.url, description: endpoint.description, events: endpoint.events }}
          errors={extra.errors ?? {}}
          submit="Save"
        />
      </section>
      <section class="card" aria-labelledby="log-title">
        <h2 id="log-title">Recent deliveries</h2>
        <DeliveryTable deliveries={deliveries} timeZone={timeZone} />
      </section>
    </>,
    { title: "Webhook endpoint", status: extra.status ?? 200 },
  );
}

async function requireEndpoint(c: Context<AppEnv>): Promise<WebhookEndpoint> {
  const endpoint = await findEndpoint(c.get("app").db, c.req.param("id") ?? "");
  if (!endpoint) throw new HttpError(404, "There is no webhook endpoint with that id.");
  return endpoint;
}

export function webhookRoutes(r: Routes): void {
  r.get("/admin/webhooks", "admin", async (c) =>
    page(c, <EndpointsPage endpoints={await listEndpoints(c.get("app").db)} />, { title: "Webhooks" }),
  );

  const newPage = (c: Context<AppEnv>, values: FormValues, errors: FieldErrors, status: 200 | 422 = 200): Response =>
    page(
      c,
      <>
        <p class="small">
          <a href="/admin/webhooks">← Webhooks</a>
        </p>
        <PageHeader title="Add a webhook endpoint" />
        <section class="card">
          <EndpointForm action="/admin/webhooks" values={values} errors={errors} submit="Add endpoint" />
        </section>
      </>,
      { title: "Add a webhook endpoint", status },
    );

  r.get("/admin/webhooks/new", "admin", (c) => newPage(c, { events: [...webhookEventTypes] }, {}));

  r.post("/admin/webhooks", "admin", async (c) => {
    const ctx = c.get("app");
    const form = await readForm(c, endpointForm);
    if (!form.ok) return newPage(c, form.values, groupEventErrors(form.errors), 422);
    const now = ctx.clock.now();
    const viewer = viewerOf(c);
    const { secret, sealed } = await newSealedSecret(ctx);
    const endpoint = await ctx.db.transaction(async (tx) => {
      const created = await createEndpoint(tx, { ...form.data, secretSealed: sealed, createdBy: viewer.id, at: now });
      await audit(tx, {
        actorId: viewer.id,
        action: "webhook.created",
        target: created.id,
        details: { url: form.data.url, events: form.data.events },
        at: now,
      });
      return created;
    });
    return endpointPage(c, endpoint, { secret, status: 201 });
  });

  r.get("/admin/webhooks/:id", "admin", async (c) => endpointPage(c, await requireEndpoint(c)));

  r.post("/admin/webhooks/:id", "admin", async (c) => {
    const ctx = c.get("app");
    const endpoint = await requireEndpoint(c);
    const form = await readForm(c, endpointForm);
    if (!form.ok)
      return endpointPage(c, endpoint, { values: form.values, errors: groupEventErrors(form.errors), status: 422 });
    const now = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      await updateEndpoint(tx, endpoint.id, { ...form.data, at: now });
      await audit(tx, {
        actorId: viewerOf(c).id,
        action: "webhook.updated",
        target: endpoint.id,
        details: { url: form.data.url, events: form.data.events },
        at: now,
      });
    });
    setFlash(c, "success", "Endpoint saved.");
    return redirect(c, `/admin/webhooks/${endpoint.id}`);
  });

  r.post("/admin/webhooks/:id/enabled", "admin", async (c) => {
    const ctx = c.get("app");
    const endpoint = await requireEndpoint(c);
    const form = await readForm(c, z.object({ enabled: z.enum(["true", "false"], "Say true or false.") }));
    if (!form.ok) throw new HttpError(422, form.errors.enabled ?? "Say true or false.");
    const enabled = form.data.enabled === "true";
    const now = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      await updateEndpoint(tx, endpoint.id, { enabled, at: now });
      await audit(tx, {
        actorId: viewerOf(c).id,
        action: enabled ? "webhook.enabled" : "webhook.disabled",
        target: endpoint.id,
        at: now,
      });
    });
    setFlash(c, "success", enabled ? "Endpoint enabled." : "Endpoint disabled: nothing is sent to it.");
    return redirect(c, `/admin/webhooks/${endpoint.id}`);
  });

  r.post("/admin/webhooks/:id/rotate", "admin", async (c) => {
    const ctx = c.get("app");
    const endpoint = await requireEndpoint(c);
    const now = ctx.clock.now();
    const { secret, sealed } = await newSealedSecret(ctx);
    const replaced = await ctx.db.transaction(async (tx) => {
      if (!(await replaceSecret(tx, endpoint.id, sealed, now))) return false;
      await audit(tx, { actorId: viewerOf(c).id, action: "webhook.secret-rotated", target: endpoint.id, at: now });
      return true;
    });
    if (!replaced) throw new HttpError(404, "There is no webhook endpoint with that id.");
    return endpointPage(c, endpoint, { secret });
  });

  r.post("/admin/webhooks/:id/test", "admin", async (c) => {
    const ctx = c.get("app");
    const endpoint = await requireEndpoint(c);
    const now = ctx.clock.now();
    await enqueueDelivery(
      ctx.db,
      {
        kind: "webhook",
        dedupeKey: `webhook:${endpoint.id}:test:${now.getTime()}`,
        targetId: endpoint.id,
        eventType: "webhook.test",
        url: endpoint.url,
        body: { type: "webhook.test", timestamp: now.toISOString(), data: { endpointId: endpoint.id } },
      },
      now,
    );
    ctx.outboundKick.kick();
    setFlash(c, "success", "Test event queued: it goes out now and shows under Recent deliveries.");
    return redirect(c, `/admin/webhooks/${endpoint.id}`);
  });

  r.post("/admin/webhooks/:id/delete", "admin", async (c) => {
    const ctx = c.get("app");
    const endpoint = await requireEndpoint(c);
    const now = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      await deleteEndpoint(tx, endpoint.id);
      await audit(tx, {
        actorId: viewerOf(c).id,
        action: "webhook.deleted",
        target: endpoint.id,
        details: { url: endpoint.url },
        at: now,
      });
    });
    setFlash(c, "success", "Endpoint deleted.");
    return redirect(c, "/admin/webhooks");
  });
}
