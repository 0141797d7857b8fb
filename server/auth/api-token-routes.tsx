import type { Context } from "hono";
import { z } from "zod";
import { ActionButton, EmptyState, Field, FormErrors, PageHeader } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import { type Routes, viewerOf } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { type FieldErrors, HttpError, notFound } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { type FormValues, listOf, readForm, text } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { isUuid } from "../people/people.ts";
import {
  type ApiToken,
  createApiToken,
  listApiTokens,
  revokeApiToken,
  type ScopeChoice,
  scopeChoices,
} from "./api-tokens.ts";

function tokenForm(choices: ScopeChoice[]) {
  const known = choices.map((choice) => choice.scope) as [string, ...string[]];
  return z.object({
    name: text("Name", 80),
    scopes: z.preprocess(
      (v) => listOf(v as string | string[] | undefined),
      z.array(z.enum(known, "Choose scopes from the list.")).min(1, "Choose at least one scope."),
    ),
  });
}

function choicesOf(c: Context<AppEnv>): ScopeChoice[] {
  const ctx = c.get("app");
  return scopeChoices(ctx.routes.rules, (owner) => owner === "core" || ctx.plugins.isEnabled(owner));
}

function TokensPage(props: {
  tokens: ApiToken[];
  choices: ScopeChoice[];
  timeZone: string;
  created?: { name: string; token: string };
  values: FormValues;
  errors: FieldErrors;
}): SafeHtml {
  const scopes = new Set(props.values.scopes ? listOf(props.values.scopes) : ["read"]);
  return (
    <>
      <PageHeader title="API tokens">
        <a class="button button-secondary" href="/profile">
          Back to profile
        </a>
      </PageHeader>
      <p class="muted">
        Scripts and integrations call <code>/api/…</code> with <code>Authorization: Bearer &lt;token&gt;</code>. A token
        acts as you, with your role, narrowed to its scopes: a read-only token can only make GET requests, and a token
        with <code>updates:write</code> can post and edit your updates but not record decisions. See{" "}
        <a href="/api/docs">the API docs</a> for every operation and the scope it needs.
      </p>
      {props.created ? (
        <div class="alert alert-success" role="status">
          <p>
            Token <strong>{props.created.name}</strong> created. Copy it now: it is shown only once.
          </p>
          <label for="new-token">Your new token</label>
          <input id="new-token" type="text" readonly value={props.created.token} />
        </div>
      ) : null}
      <div class="split">
        <section class="card" aria-labelledby="tokens-title">
          <h2 id="tokens-title">Your tokens</h2>
          {props.tokens.length ? (
            <ul class="plain-list">
              {props.tokens.map((t) => (
                <li class="token-row">
                  <span>
                    <strong>{t.name}</strong> <span class="badge">{t.scopes.join(" + ")}</span>{" "}
                    <span class="muted small">created {formatInstant(t.createdAt, props.timeZone)}</span>
                  </span>
                  <ActionButton
                    action={`/profile/tokens/${t.id}/revoke`}
                    label="Revoke"
                    danger
                    confirm={`Revoke ${t.name}?`}
                  />
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState title="No API tokens." />
          )}
        </section>
        <section class="card" aria-labelledby="new-token-title">
          <h2 id="new-token-title">New token</h2>
          <FormErrors errors={props.errors} />
          <form method="post" action="/profile/tokens" class="stack" novalidate>
            <Field
              label="Name"
              name="name"
              value={String(props.values.name ?? "")}
              error={props.errors.name}
              hint="Where it is used, e.g. “CI reporter”."
              required
            />
            <fieldset class={props.errors.scopes ? "has-error" : undefined}>
              <legend>Scopes</legend>
              {props.choices.map((choice) => (
                <label class="checkbox">
                  <input type="checkbox" name="scopes" value={choice.scope} checked={scopes.has(choice.scope)} />
                  <span>
                    {choice.scope === choice.label ? <code>{choice.scope}</code> : choice.label}
                    <br />
                    <span class="muted small">{choice.allows.join("; ")}</span>
                  </span>
                </label>
              ))}
              {props.errors.scopes ? <p class="field-error">{props.errors.scopes}</p> : null}
            </fieldset>
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
  const viewer = viewerOf(c);
  const tokens = await listApiTokens(c.get("app").db, viewer.id);
  return page(
    c,
    <TokensPage
      tokens={tokens}
      choices={choicesOf(c)}
      timeZone={viewer.timeZone}
      values={extra.values ?? {}}
      errors={extra.errors ?? {}}
      {...(extra.created ? { created: extra.created } : {})}
    />,
    { title: "API tokens", status: extra.status ?? 200 },
  );
}

export function apiTokenRoutes(r: Routes): void {
  r.get("/profile/tokens", "signed-in", (c) => render(c));

  r.post("/profile/tokens", "signed-in", async (c) => {
    const viewer = viewerOf(c);
    if (c.get("viaToken")) throw new HttpError(403, "API tokens cannot create API tokens.");
    const form = await readForm(c, tokenForm(choicesOf(c)));
    if (!form.ok) return render(c, { values: form.values, errors: form.errors, status: 422 });
    const ctx = c.get("app");
    const { token } = await createApiToken(ctx.db, {
      personId: viewer.id,
      name: form.data.name,
      scopes: [...new Set(form.data.scopes)],
      at: ctx.clock.now(),
    });
    return render(c, { created: { name: form.data.name, token }, status: 201 });
  });

  r.post("/profile/tokens/:id/revoke", "signed-in", async (c) => {
    const viewer = viewerOf(c);
    const id = c.req.param("id") ?? "";
    const ctx = c.get("app");
    if (!isUuid(id) || !(await revokeApiToken(ctx.db, { personId: viewer.id, tokenId: id, at: ctx.clock.now() }))) {
      throw notFound("API token");
    }
    setFlash(c, "success", "Token revoked.");
    return redirect(c, "/profile/tokens");
  });
}
