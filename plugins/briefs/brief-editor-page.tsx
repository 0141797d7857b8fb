import {
  Field,
  type FieldErrors,
  FormErrors,
  PageHeader,
  type RequestServices,
  type SafeHtml,
  Select,
} from "../../server/plugin-api.ts";
import { lintHints } from "./brief-views.tsx";
import type { Brief } from "./briefs.ts";
import type { BriefsSettings } from "./settings.ts";
import { BriefsNav, type Option, TextArea, teamOptions } from "./views.tsx";

type S = RequestServices<BriefsSettings>;

function BriefEditor(props: {
  action: string;
  teams: Option[];
  values: Record<string, string>;
  errors: FieldErrors;
  hints: SafeHtml;
  submit: string;
}): SafeHtml {
  return (
    <form method="post" action={props.action} class="stack" novalidate>
      <FormErrors errors={props.errors} />
      <Field label="Title" name="title" value={props.values.title} error={props.errors.title} required />
      <Select
        label="Team"
        name="teamId"
        value={props.values.teamId ?? ""}
        options={[{ value: "", label: "Choose a team…" }, ...props.teams.map((t) => ({ value: t.id, label: t.name }))]}
        error={props.errors.teamId}
      />
      <TextArea
        label="Brief (Markdown)"
        name="body"
        rows={22}
        value={props.values.body}
        error={props.errors.body}
        hint="Bottom line first: Bottom line · Problem · Proposal · Decisions needed · Risks · Out of scope."
        attrs={{
          "hx-post": "/briefs/lint",
          "hx-trigger": "input changed delay:600ms",
          "hx-target": "#briefs-lint",
          "hx-swap": "innerHTML",
          "aria-describedby": "briefs-lint",
        }}
      />
      <section class="briefs-lint" aria-live="polite" aria-labelledby="briefs-lint-title">
        <h2 id="briefs-lint-title" class="small">
          Writing hints
        </h2>
        <div id="briefs-lint">{props.hints}</div>
      </section>
      <div>
        <button type="submit">{props.submit}</button>
      </div>
    </form>
  );
}

export async function editorPage(
  s: S,
  options: { brief: Brief | null; values: Record<string, string>; errors?: FieldErrors },
): Promise<Response> {
  const errors = options.errors ?? {};
  const title = options.brief ? `Edit: ${options.brief.title}` : "New kickoff brief";
  return s.page(
    <>
      <BriefsNav current="briefs" />
      <PageHeader title={title} />
      <BriefEditor
        action={options.brief ? `/briefs/${options.brief.id}` : "/briefs"}
        teams={await teamOptions(s.db)}
        values={options.values}
        errors={errors}
        hints={lintHints(s, options.values.body ?? "")}
        submit={options.brief ? "Save draft" : "Create draft"}
      />
      {options.brief?.state === "draft"
        ? await s.editorPanels({
            editor: "brief",
            ref: options.brief.id,
            teamId: options.brief.teamId,
            authorId: options.brief.authorId,
            text: options.brief.body,
            bottomLine: "",
            link: `/briefs/${options.brief.id}/edit`,
          })
        : null}
    </>,
    { title, status: Object.keys(errors).length ? 422 : 200 },
  );
}
