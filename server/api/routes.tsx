import type { Context } from "hono";
import packageJson from "../../package.json" with { type: "json" };
import { PageHeader } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { RouteRegistry, Routes } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { page } from "../http/render.tsx";
import { type ApiOperation, apiOperations, jsonSchemaOf, openApiDocument } from "./openapi.ts";

function operationsOf(c: Context<AppEnv>): ApiOperation[] {
  const ctx = c.get("app");
  return apiOperations(ctx.routes.rules, (owner) => owner === "core" || ctx.plugins.isEnabled(owner));
}

// Schemas do not change after boot, so the document and the page body are built once per set
// of enabled operations (an admin switching a plugin off or on gives another set).
const built = new WeakMap<RouteRegistry, Map<string, { json: string; html: SafeHtml }>>();

function docsFor(c: Context<AppEnv>): { json: string; html: SafeHtml } {
  const ctx = c.get("app");
  const operations = operationsOf(c);
  const key = operations.map((op) => op.operationId).join(" ");
  let cache = built.get(ctx.routes);
  if (!cache) {
    cache = new Map();
    built.set(ctx.routes, cache);
  }
  let docs = cache.get(key);
  if (!docs) {
    const baseUrl = ctx.config.baseUrl;
    docs = {
      json: JSON.stringify(openApiDocument(operations, { version: packageJson.version, baseUrl })),
      html: <ApiDocs operations={operations} baseUrl={baseUrl} />,
    };
    cache.set(key, docs);
  }
  return docs;
}

/** `/api/openapi.json` (the OpenAPI 3.1 document) and `/api/docs` (the same, to read). */
export function apiDocRoutes(r: Routes): void {
  r.get("/api/openapi.json", "public", (c) => {
    c.header("Content-Type", "application/json; charset=utf-8");
    return c.body(docsFor(c).json);
  });

  r.get("/api/docs", "public", (c) => page(c, docsFor(c).html, { title: "API" }));
}

const json = (value: unknown): string => JSON.stringify(value, null, 2);

function ApiDocs(props: { operations: ApiOperation[]; baseUrl: string }): SafeHtml {
  const owners = [...new Set(props.operations.map((op) => op.owner))].sort();
  const scopes = [...new Set(props.operations.map((op) => op.endpoint.scope))].sort();
  const example = props.operations.find((op) => op.method === "post") ?? props.operations[0];
  return (
    <div class="api-docs">
      <PageHeader title="API">
        <a class="button button-secondary" href="/api/openapi.json">
          OpenAPI 3.1 document
        </a>
      </PageHeader>
      <section class="card" aria-labelledby="api-auth">
        <h2 id="api-auth">Calling the API</h2>
        <p>
          Create a token under <a href="/profile/tokens">Profile → API tokens</a> with the scopes you need and send it
          as <code>Authorization: Bearer dtk_…</code>. A call acts as you, with your role: what the pages do not let you
          do, the API does not either. Bodies are JSON; a malformed body is a 400, one that fails validation a 422 whose{" "}
          <code>error.fields</code> names each field, and nothing is written.
        </p>
        {example ? (
          <pre class="api-schema">
            {`curl -X ${example.method.toUpperCase()} ${props.baseUrl}${example.path} \\\n  -H "Authorization: Bearer $DESKTRUST_TOKEN" \\\n  -H "Content-Type: application/json" \\\n  -d '{ … }'`}
          </pre>
        ) : null}
        <h3>Scopes</h3>
        <dl class="facts">
          {scopes.map((scope) => (
            <>
              <dt>
                <code>{scope}</code>
              </dt>
              <dd>
                {props.operations
                  .filter((op) => op.endpoint.scope === scope)
                  .map((op) => op.endpoint.summary)
                  .join("; ")}
              </dd>
            </>
          ))}
          <dt>
            <code>write</code>
          </dt>
          <dd>Every scope (tokens made before per-resource scopes have it).</dd>
        </dl>
      </section>
      <nav class="card" aria-labelledby="api-toc">
        <h2 id="api-toc">Operations</h2>
        <ul class="plain-list">
          {props.operations.map((op) => (
            <li>
              <a href={`#${op.operationId}`}>
                <code>{op.method.toUpperCase()}</code> {op.path}
              </a>{" "}
              — {op.endpoint.summary}
            </li>
          ))}
        </ul>
      </nav>
      {owners.map((owner) => (
        <section aria-labelledby={`api-${owner}`}>
          <h2 id={`api-${owner}`}>{owner}</h2>
          {props.operations
            .filter((op) => op.owner === owner)
            .map((op) => (
              <Operation op={op} />
            ))}
        </section>
      ))}
    </div>
  );
}

function Operation(props: { op: ApiOperation }): SafeHtml {
  const { op } = props;
  const e = op.endpoint;
  const params = [...op.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);
  return (
    <article class="card" id={op.operationId} aria-labelledby={`${op.operationId}-title`}>
      <h3 id={`${op.operationId}-title`}>
        <code>{op.method.toUpperCase()}</code> <span class="api-path">{op.path}</span>
      </h3>
      <p>{e.summary}</p>
      {e.description ? <p class="muted">{e.description}</p> : null}
      <dl class="facts">
        <dt>Scope</dt>
        <dd>
          <code>{e.scope}</code>
        </dd>
        <dt>Who</dt>
        <dd>{e.access === "signed-in" ? "anyone signed in" : `${e.access} or a higher role`}</dd>
        <dt>Success</dt>
        <dd>{String(e.status ?? 200)}</dd>
        <dt>Operation id</dt>
        <dd>
          <code>{op.operationId}</code>
        </dd>
      </dl>
      {params.length ? (
        <>
          <h4>Path parameters</h4>
          <ul>
            {params.map((name) => (
              <li>
                <code>{name}</code>
                {e.params?.[name] ? ` — ${e.params[name]}` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {e.query ? (
        <details>
          <summary>Query parameters (JSON Schema)</summary>
          <pre class="api-schema">{json(jsonSchemaOf(e.query, "input"))}</pre>
        </details>
      ) : null}
      {e.body ? (
        <details>
          <summary>Request body (JSON Schema)</summary>
          <pre class="api-schema">{json(jsonSchemaOf(e.body, "input"))}</pre>
        </details>
      ) : null}
      <details>
        <summary>Response {String(e.status ?? 200)} (JSON Schema)</summary>
        <pre class="api-schema">{json(jsonSchemaOf(e.response, "output"))}</pre>
      </details>
    </article>
  );
}
