import { z } from "zod";
import { EmptyState, FormErrors, PageHeader } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Routes } from "../http/access.ts";
import type { FieldErrors } from "../http/errors.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { type FormValues, readForm } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { parseSettings, SettingsInputs, settingsFields } from "../settings/form.tsx";
import type { PluginRecord } from "./record.ts";
import type { PluginRuntime } from "./runtime.ts";

const statusBadge: Record<string, SafeHtml> = {
  active: <span class="badge badge-success">Running</span>,
  disabled: <span class="badge">Disabled</span>,
  failed: <span class="badge badge-danger">Failed</span>,
  refused: <span class="badge badge-danger">Refused</span>,
  "not-enabled": <span class="badge">Not enabled (PLUGINS)</span>,
};

function statusOf(runtime: PluginRuntime, p: PluginRecord): string {
  return p.status === "active" && !runtime.isEnabled(p.id) ? "disabled" : p.status;
}

function PluginList(props: { runtime: PluginRuntime }): SafeHtml {
  const { runtime } = props;
  if (!runtime.plugins.length) {
    return (
      <EmptyState title="No plugins installed.">
        <p>
          Plugins live in the <code>plugins/</code> folder; see the plugin author guide.
        </p>
      </EmptyState>
    );
  }
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Plugin</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runtime.plugins.map((p) => {
            const status = statusOf(runtime, p);
            return (
              <tr>
                <td>
                  <strong>{p.name}</strong> <code>{p.id}</code>
                  {p.description ? <p class="muted small">{p.description}</p> : null}
                  {p.error ? <p class="field-error">{p.error}</p> : null}
                </td>
                <td>{p.version}</td>
                <td>{statusBadge[status]}</td>
                <td class="actions">
                  {p.status === "active" ? (
                    <>
                      {p.definition?.settings ? (
                        <a class="button button-secondary button-small" href={`/admin/plugins/${p.id}`}>
                          Settings
                        </a>
                      ) : null}{" "}
                      <form method="post" action={`/admin/plugins/${p.id}/toggle`} class="inline-form">
                        <input type="hidden" name="enabled" value={status === "disabled" ? "true" : "false"} />
                        <button
                          type="submit"
                          class={status === "disabled" ? "button button-small" : "button button-danger button-small"}
                        >
                          {status === "disabled" ? "Enable" : "Disable"}
                        </button>
                      </form>
                    </>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function SettingsPage(props: { plugin: PluginRecord; values: Record<string, unknown>; errors: FieldErrors }): SafeHtml {
  const schema = props.plugin.definition?.settings as z.ZodType;
  return (
    <>
      <PageHeader title={`${props.plugin.name} settings`}>
        <a class="button button-secondary" href="/admin/plugins">
          All plugins
        </a>
      </PageHeader>
      <section class="card">
        <FormErrors errors={props.errors} />
        <form method="post" action={`/admin/plugins/${props.plugin.id}`} class="stack" novalidate>
          <SettingsInputs schema={schema} values={props.values} errors={props.errors} />
          <div>
            <button type="submit">Save settings</button>
          </div>
        </form>
      </section>
    </>
  );
}

function configurable(runtime: PluginRuntime, id: string): PluginRecord {
  const plugin = runtime.get(id);
  if (plugin?.status !== "active" || !plugin.definition?.settings) throw notFound("Plugin");
  return plugin;
}

function valuesFromForm(plugin: PluginRecord, values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of settingsFields(plugin.definition?.settings as z.ZodType)) {
    const v = values[f.name];
    out[f.name] = f.kind === "boolean" ? v === "on" : Array.isArray(v) ? v[0] : v;
  }
  return out;
}

const toggleForm = z.object({ enabled: z.enum(["true", "false"], "Expected true or false.") });

export function pluginAdminRoutes(r: Routes): void {
  r.get("/admin/plugins", "admin", async (c) => {
    const runtime = c.get("app").plugins;
    await runtime.refreshState(true);
    return page(
      c,
      <>
        <PageHeader title="Plugins" />
        <p class="muted">
          Disabling a plugin hides its pages, navigation, cards, jobs and digest sections and keeps its data.
        </p>
        <PluginList runtime={runtime} />
      </>,
      { title: "Plugins" },
    );
  });

  r.post("/admin/plugins/:id/toggle", "admin", async (c) => {
    const ctx = c.get("app");
    const plugin = ctx.plugins.get(c.req.param("id") ?? "");
    if (plugin?.status !== "active") throw notFound("Plugin");
    const form = await readForm(c, toggleForm);
    if (!form.ok) throw new HttpError(422, "Expected enabled=true or enabled=false.", { fields: form.errors });
    const viewer = c.get("viewer");
    await ctx.plugins.setEnabled(plugin.id, form.data.enabled === "true", viewer?.id ?? "");
    setFlash(c, "success", `${plugin.name} ${form.data.enabled === "true" ? "enabled" : "disabled"}.`);
    return redirect(c, "/admin/plugins");
  });

  r.get("/admin/plugins/:id", "admin", async (c) => {
    const runtime = c.get("app").plugins;
    const plugin = configurable(runtime, c.req.param("id") ?? "");
    await runtime.refreshState(true);
    return page(c, <SettingsPage plugin={plugin} values={runtime.settingsOf(plugin.id)} errors={{}} />, {
      title: `${plugin.name} settings`,
    });
  });

  r.post("/admin/plugins/:id", "admin", async (c) => {
    const ctx = c.get("app");
    const plugin = configurable(ctx.plugins, c.req.param("id") ?? "");
    const form = await readForm(c, z.record(z.string(), z.union([z.string(), z.array(z.string())])));
    const values = form.values;
    const parsed = parseSettings(plugin.definition?.settings as z.ZodType, values);
    if (!parsed.ok) {
      return page(c, <SettingsPage plugin={plugin} values={valuesFromForm(plugin, values)} errors={parsed.errors} />, {
        title: `${plugin.name} settings`,
        status: 422,
      });
    }
    await ctx.plugins.saveSettings(plugin.id, parsed.settings, c.get("viewer")?.id ?? "");
    setFlash(c, "success", `${plugin.name} settings saved.`);
    return redirect(c, `/admin/plugins/${plugin.id}`);
  });
}
