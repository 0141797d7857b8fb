import { z } from "zod";
import {
  Field,
  type FieldErrors,
  FormErrors,
  HttpError,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  readForm,
  requireViewer,
} from "../../server/plugin-api.ts";
import { addRule, categoryKey, compilePattern, deleteRule, listRules, SEPARATOR } from "./categories.ts";
import { deviceCountsByTeam } from "./devices.ts";
import { changePolicy, currentPolicy, policyForm } from "./policy.ts";
import { uuidParam } from "./team-access.ts";

type S = RequestServices<Record<string, unknown>>;

const ruleForm = z.object({
  path: z
    .string()
    .trim()
    .min(1, "Name the category, e.g. “Focus work > Programming”.")
    .max(200, "Keep it under 200 characters.")
    .refine((v) => v.split(SEPARATOR.trim()).every((part) => part.trim().length > 0), "Each level needs a name."),
  pattern: z
    .string()
    .min(1, "Give a regular expression matched against the app name.")
    .max(300, "Keep the expression under 300 characters.")
    .refine((v) => compilePattern(v) !== null, "This is not a valid regular expression."),
});

async function adminPage(s: S, errors: FieldErrors = {}, values: Record<string, string> = {}): Promise<Response> {
  const [policy, rules, counts] = [await currentPolicy(s.db), await listRules(s.db), await deviceCountsByTeam(s.db)];
  return s.page(
    <>
      <PageHeader title="Activity settings" />
      <div class="split activity-split">
        <section class="card" aria-labelledby="policy">
          <h2 id="policy">Privacy policy</h2>
          <p class="muted small">Every change is recorded and shown to all members on the transparency page.</p>
          <form method="post" action="/activity/admin/policy" class="stack" novalidate>
            <FormErrors errors={pick(errors, ["minGroupSize", "rollupRetentionDays"])} />
            <Field
              label="Minimum people behind a team figure"
              name="minGroupSize"
              type="number"
              min="5"
              value={values.minGroupSize ?? policy.minGroupSize}
              error={errors.minGroupSize}
              hint="At least 5. It can be raised, never lowered below 5."
            />
            <Field
              label="Days rollups are kept"
              name="rollupRetentionDays"
              type="number"
              min="7"
              max="730"
              value={values.rollupRetentionDays ?? policy.rollupRetentionDays}
              error={errors.rollupRetentionDays}
            />
            <button type="submit" class="button">
              Save policy
            </button>
          </form>
        </section>
        <section class="card" aria-labelledby="devices">
          <h2 id="devices">Registered devices per team</h2>
          <p class="muted small">Counts only: who owns which device is visible to that person alone.</p>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Active devices per team</caption>
              <thead>
                <tr>
                  <th scope="col">Team</th>
                  <th scope="col">Active devices</th>
                </tr>
              </thead>
              <tbody>
                {counts.map((c) => (
                  <tr>
                    <th scope="row" class="activity-row-head">
                      {c.team}
                    </th>
                    <td>{c.devices}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
      <section class="card activity-stack" aria-labelledby="rules">
        <h2 id="rules">Category rules</h2>
        <p class="muted small">
          The first rule whose expression matches the app name (ignoring case) wins; anything else is “Other”. Levels
          are separated by “{SEPARATOR.trim()}”. Changes apply to events received from now on.
        </p>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Category rules, in the order they are tried</caption>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">App name matches</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rules.length ? null : (
                <tr>
                  <td colspan="3" class="muted">
                    No rules: every app counts as “Other”.
                  </td>
                </tr>
              )}
              {rules.map((rule) => (
                <tr>
                  <th scope="row" class="activity-row-head">
                    {categoryKey(rule.path)}
                  </th>
                  <td class="activity-pattern-cell">
                    <code class="activity-pattern">
                      {rule.pattern.split("|").map((part, i) => (
                        <>
                          {i ? (
                            <>
                              <wbr />|
                            </>
                          ) : null}
                          {part}
                        </>
                      ))}
                    </code>
                  </td>
                  <td class="actions">
                    <form
                      method="post"
                      action={`/activity/admin/rules/${rule.id}/delete`}
                      class="inline-form"
                      data-confirm={`Delete the rule for “${categoryKey(rule.path)}”?`}
                    >
                      <input type="hidden" name="confirm" value="yes" />
                      <button type="submit" class="button button-danger button-small">
                        Delete<span class="visually-hidden"> the rule for {categoryKey(rule.path)}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3 id="add-rule">Add a rule</h3>
        <form method="post" action="/activity/admin/rules" class="stack" novalidate aria-labelledby="add-rule">
          <FormErrors errors={pick(errors, ["path", "pattern"])} />
          <Field
            label="Category"
            name="path"
            value={values.path}
            error={errors.path}
            hint="e.g. Focus work > Writing"
          />
          <Field
            label="App name matches (regular expression)"
            name="pattern"
            value={values.pattern}
            error={errors.pattern}
          />
          <button type="submit" class="button">
            Add rule
          </button>
        </form>
      </section>
    </>,
    { title: "Activity settings", status: Object.keys(errors).length ? 422 : 200 },
  );
}

function pick(errors: FieldErrors, keys: string[]): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([k]) => keys.includes(k)));
}

const stringValues = (values: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));

export function adminPages(r: PluginRoutes<Record<string, unknown>>): void {
  r.get("/admin", "admin", (_c, s) => adminPage(s));

  r.post("/admin/policy", "admin", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, policyForm);
    if (!form.ok) return adminPage(s, form.errors, stringValues(form.values));
    const changed = await s.transaction((tx) => changePolicy(tx, form.data, viewer.id, s.clock.now()));
    s.flash("success", changed ? "Policy saved; the change is listed on the transparency page." : "Nothing changed.");
    return s.redirect("/activity/admin");
  });

  r.post("/admin/rules", "admin", async (c, s) => {
    const form = await readForm(c, ruleForm);
    if (!form.ok) return adminPage(s, form.errors, stringValues(form.values));
    const path = form.data.path.split(SEPARATOR.trim()).map((part) => part.trim());
    await addRule(s.db, { path, pattern: form.data.pattern });
    s.flash("success", "Rule added.");
    return s.redirect("/activity/admin");
  });

  r.post("/admin/rules/:id/delete", "admin", async (c, s) => {
    const id = uuidParam(c, "id");
    const form = await readForm(c, z.object({ confirm: z.literal("yes", "Confirm the deletion.") }));
    if (!form.ok) throw new HttpError(422, "Confirm the deletion.");
    if (!(await deleteRule(s.db, id))) throw new HttpError(404, "There is no such rule.");
    s.flash("success", "Rule deleted.");
    return s.redirect("/activity/admin");
  });
}
