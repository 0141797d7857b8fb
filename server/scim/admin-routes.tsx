import type { Context } from "hono";
import { z } from "zod";
import { ActionButton, EmptyState, Field, FormErrors, PageHeader } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import { type Routes, viewerOf } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { type FieldErrors, HttpError, notFound } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { type FormValues, readForm, text } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { isUuid } from "../people/people.ts";
import { createScimToken, listScimTokens, revokeScimToken, type ScimToken } from "./tokens.ts";

// A label for a directory: plain words, so a token's name reads well in the audit log.
const tokenForm = z.object({
  name: text("Name", 80).regex(/^[\p{L}\p{N} ._()-]+$/u, "Use letters, digits, spaces and . _ ( ) - only."),
});

function ScimPage(props: {
  baseUrl: string;
  tokens: ScimToken[];
  timeZone: string;
  created?: { name: string; token: string } | undefined;
  values: FormValues;
  errors: FieldErrors;
}): SafeHtml {
  return (
    <>
      <PageHeader title="SCIM provisioning">
        <a class="button button-secondary" href="/admin/sso">
          Single sign-on
        </a>
      </PageHeader>
      <p class="muted">
        Microsoft Entra ID, Okta and other directories create, update and deactivate people and teams through SCIM 2.0.
        Give the directory this base URL and a token from below. Deactivating a person in the directory ends all their
        sessions and API tokens at once.
      </p>
      <p>
        <label for="scim-url">SCIM base URL</label>
        <input id="scim-url" type="text" readonly value={`${props.baseUrl}/scim/v2`} />
      </p>
      {props.created ? (
        <div class="alert alert-success" role="status">
          <p>
            Token <strong>{props.created.name}</strong> created. Copy it now: it is shown only once.
          </p>
          <label for="new-token">Your new SCIM token</label>
          <input id="new-token" type="text" readonly value={props.created.token} />
        </div>
      ) : null}
      <div class="split">
        <section class="card" aria-labelledby="scim-tokens-title">
          <h2 id="scim-tokens-title">Tokens</h2>
          {props.tokens.length ? (
            <ul class="plain-list">
              {props.tokens.map((t) => (
                <li class="token-row">
                  <span>
                    <strong>{t.name}</strong>{" "}
                    <span class="muted small">
                      created {formatInstant(t.createdAt, props.timeZone)}
                      {t.lastUsedAt ? `, last used ${formatInstant(t.lastUsedAt, props.timeZone)}` : ", never used"}
                    </span>
                  </span>
                  <ActionButton
                    action={`/admin/scim/tokens/${t.id}/revoke`}
                    label="Revoke"
                    danger
                    confirm={`Revoke ${t.name}?`}
                  />
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState title="No SCIM tokens." />
          )}
        </section>
        <section class="card" aria-labelledby="new-scim-token-title">
          <h2 id="new-scim-token-title">New token</h2>
          <FormErrors errors={props.errors} />
          <form method="post" action="/admin/scim/tokens" class="stack" novalidate>
            <Field
              label="Name"
              name="name"
              value={String(props.values.name ?? "")}
              error={props.errors.name}
              hint="Which directory uses it, e.g. “Entra ID”."
              required
            />
            <div>
              <button type="submit">Create token</button>
            </div>
          </form>
        </section>
      </div>
    </>
  );
}

async function render(
  c: Context<AppEnv>,
  extra: {
    created?: { name: string; token: string };
    values?: FormValues;
    errors?: FieldErrors;
    status?: 200 | 201 | 422;
  } = {},
): Promise<Response> {
  const ctx = c.get("app");
  return page(
    c,
    <ScimPage
      baseUrl={ctx.config.baseUrl}
      tokens={await listScimTokens(ctx.db)}
      timeZone={viewerOf(c).timeZone}
      created={extra.created}
      values={extra.values ?? {}}
      errors={extra.errors ?? {}}
    />,
    { title: "SCIM provisioning", status: extra.status ?? 200 },
  );
}

export function scimAdminRoutes(r: Routes): void {
  r.get("/admin/scim", "admin", (c) => render(c));

  r.post("/admin/scim/tokens", "admin", async (c) => {
    const viewer = viewerOf(c);
    if (c.get("viaToken")) throw new HttpError(403, "API tokens cannot create SCIM tokens.");
    const form = await readForm(c, tokenForm);
    if (!form.ok) return render(c, { values: form.values, errors: form.errors, status: 422 });
    const ctx = c.get("app");
    const { token } = await createScimToken(ctx.db, { name: form.data.name, actorId: viewer.id, at: ctx.clock.now() });
    return render(c, { created: { name: form.data.name, token }, status: 201 });
  });

  r.post("/admin/scim/tokens/:id/revoke", "admin", async (c) => {
    const viewer = viewerOf(c);
    const id = c.req.param("id") ?? "";
    const ctx = c.get("app");
    if (!isUuid(id) || !(await revokeScimToken(ctx.db, { tokenId: id, actorId: viewer.id, at: ctx.clock.now() }))) {
      throw notFound("SCIM token");
    }
    setFlash(c, "success", "SCIM token revoked.");
    return redirect(c, "/admin/scim");
  });
}
