import type { RequestServices, SafeHtml } from "../../server/plugin-api.ts";
import { stateLabels } from "./brief-flow.ts";
import type { BriefState } from "./schema.ts";
import type { BriefsSettings } from "./settings.ts";
import { LintHints } from "./views.tsx";

type S = RequestServices<BriefsSettings>;

export function StateBadge(props: { state: BriefState }): SafeHtml {
  const tone =
    props.state === "decided" ? "badge badge-success" : props.state === "review" ? "badge badge-accent" : "badge";
  return <span class={tone}>{stateLabels[props.state]}</span>;
}

export function lintHints(s: S, body: string): SafeHtml {
  return <LintHints hints={s.writing.lint(body, { kind: "brief" })} text={body} />;
}
