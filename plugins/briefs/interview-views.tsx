import { renderMarkdown, type SafeHtml } from "../../server/plugin-api.ts";
import type { Note, PanelSeat } from "./access.ts";
import type { Interview, Panelist } from "./interviews.ts";
import { When } from "./views.tsx";

export const outcomeLabel = (o: "hire" | "no_hire"): string => (o === "hire" ? "Hire" : "No hire");

export function NotesPanel(props: {
  interview: Interview;
  seat: PanelSeat;
  notes: Note[];
  panel: Panelist[];
  viewerId: string;
  timeZone: string;
}): SafeHtml {
  const names = new Map(props.panel.map((p) => [p.personId, p.name]));
  const blind = !props.seat.hiringManager && !props.seat.submitted;
  return (
    <div
      id="briefs-notes"
      hx-get={`/briefs/interviews/${props.interview.id}/notes`}
      hx-trigger="every 60s"
      hx-swap="outerHTML"
    >
      {blind ? <p class="alert">Other interviewers' notes appear here once you submit yours — no groupthink.</p> : null}
      {props.notes.length ? (
        props.notes.map((n) => (
          <article class="briefs-note card">
            <h3>
              {names.get(n.interviewerId) ?? "Interviewer"}
              {n.interviewerId === props.viewerId ? " (you)" : ""}:{" "}
              <span class={n.recommendation === "hire" ? "badge badge-success" : "badge badge-danger"}>
                {outcomeLabel(n.recommendation)}
              </span>
            </h3>
            <dl class="briefs-ratings">
              {Object.entries(n.ratings).map(([competency, rating]) => (
                <>
                  <dt>{competency}</dt>
                  <dd>{rating}</dd>
                </>
              ))}
            </dl>
            <div>{renderMarkdown(n.evidence)}</div>
            <p class="muted small">
              Submitted <When at={n.submittedAt} timeZone={props.timeZone} />
            </p>
          </article>
        ))
      ) : blind ? null : (
        <p class="muted">No notes yet.</p>
      )}
    </div>
  );
}
