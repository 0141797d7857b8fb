import {
  EmptyState,
  type FieldErrors,
  formatInstant,
  raw,
  renderMarkdown,
  type SafeHtml,
  type WritingHint,
} from "../../server/plugin-api.ts";
import type { FeedItem } from "./feed.ts";
import { periodLabel } from "./period.ts";
import type { Question } from "./schema.ts";
import type { SearchHit } from "./search.ts";

export const base = "/status-updates";

/** The linter's hints for one answer (or the whole update), as a list; nothing when clean. */
export function Hints(props: { hints: WritingHint[]; text: string; label?: string }): SafeHtml {
  if (!props.hints.length) return raw("");
  return (
    <div class="status-updates-hints">
      {props.label ? <p class="small">{props.label}</p> : null}
      <ul class="plain-list">
        {props.hints.map((h) => (
          <li class={`status-updates-hint status-updates-hint-${h.severity}`}>
            <span class="badge">{h.severity === "warning" ? "Suggestion" : "Tip"}</span> {h.message}
            {h.start !== undefined && h.end !== undefined && h.end - h.start < 200 ? (
              <q class="muted small">{props.text.slice(h.start, h.end)}</q>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The live-lint fragment: hints per question, or a note that the writing reads well. */
export function HintsPanel(props: {
  questions: Question[];
  answers: Record<string, string>;
  hintsFor: (q: Question, text: string) => WritingHint[];
  /** Other plugins' editor panels (e.g. a writing partner's suggestions), shown after the hints. */
  panels?: SafeHtml;
}): SafeHtml {
  const sections = props.questions
    .map((q) => ({ q, text: props.answers[q.key] ?? "" }))
    .filter((x) => x.text.trim())
    .map((x) => ({ ...x, hints: props.hintsFor(x.q, x.text) }));
  const total = sections.reduce((n, x) => n + x.hints.length, 0);
  return (
    <div id="status-updates-hints" aria-live="polite">
      <h2 class="status-updates-hints-title">Writing hints</h2>
      {!sections.length ? (
        <p class="muted small">Hints appear here as you write. They never stop you posting.</p>
      ) : total === 0 ? (
        <p class="small">Reads well: the bottom line comes first and every ask is addressed.</p>
      ) : (
        sections.map((x) => <Hints hints={x.hints} text={x.text} label={x.q.label} />)
      )}
      {props.panels ?? null}
    </div>
  );
}

export function Composer(props: {
  action: string;
  teamId: string;
  teamName: string;
  period: string;
  dueAt: Date;
  timeZone: string;
  questions: Question[];
  answers: Record<string, string>;
  errors: FieldErrors;
  mode: "new" | "edit";
  savedAt: Date | null;
  hints: SafeHtml;
}): SafeHtml {
  return (
    <div class="split status-updates-compose">
      <form method="post" action={props.action} class="card stack" id="status-updates-composer" novalidate>
        <input type="hidden" name="teamId" value={props.teamId} />
        <p class="muted small">
          {props.teamName} · {periodLabel(props.period)} · due{" "}
          <time datetime={props.dueAt.toISOString()}>{formatInstant(props.dueAt, props.timeZone)}</time>
        </p>
        {props.errors.form ? (
          <div class="alert alert-error" role="alert">
            {props.errors.form}
          </div>
        ) : null}
        {props.questions.map((q) => (
          <div class={props.errors[`q-${q.key}`] ? "field has-error" : "field"}>
            <label for={`q-${q.key}`}>{q.label}</label>
            <textarea
              id={`q-${q.key}`}
              name={`q-${q.key}`}
              rows={q.kind === "text" ? "6" : "3"}
              aria-describedby={`q-${q.key}-hint`}
            >
              {props.answers[q.key] ?? ""}
            </textarea>
            <p id={`q-${q.key}-hint`} class="hint small muted">
              {q.kind === "bottom-line"
                ? "The conclusion first: where things stand, in a sentence or two."
                : q.kind === "ask"
                  ? "Optional. Name who you ask with @name (their email name) and say by when."
                  : q.kind === "risks"
                    ? 'What could stop you? Write "None" if nothing.'
                    : "Markdown works: lists, links, **bold**."}
            </p>
          </div>
        ))}
        <div
          hx-post={`${base}/lint`}
          hx-trigger="input from:closest form delay:600ms"
          hx-target="#status-updates-hints"
          hx-swap="outerHTML"
          hidden
        />
        {props.mode === "new" ? (
          <p
            id="status-updates-autosave"
            class="muted small"
            hx-post={`${base}/drafts`}
            hx-trigger="input from:closest form delay:1500ms"
            hx-swap="innerHTML"
            aria-live="polite"
          >
            {props.savedAt ? <SavedNote at={props.savedAt} timeZone={props.timeZone} /> : "Drafts save as you type."}
          </p>
        ) : null}
      </form>
      {/* The hints come before the button in the page's order, so on a phone they sit right
          under the fields being written instead of below "Post update". */}
      <aside class="card status-updates-compose-hints">{props.hints}</aside>
      <div class="status-updates-compose-submit">
        <button type="submit" class="button" form="status-updates-composer">
          {props.mode === "new" ? "Post update" : "Save changes"}
        </button>
      </div>
    </div>
  );
}

export function SavedNote(props: { at: Date; timeZone: string }): SafeHtml {
  return (
    <>
      Draft saved <time datetime={props.at.toISOString()}>{formatInstant(props.at, props.timeZone)}</time>.
    </>
  );
}

export function UpdateCard(props: { item: FeedItem; timeZone: string }): SafeHtml {
  const i = props.item;
  return (
    <article class="card status-updates-update" aria-labelledby={`u-${i.id}`}>
      <header class="status-updates-update-head">
        <h3 id={`u-${i.id}`}>
          <a href={`${base}/updates/${i.id}`}>{i.authorName}</a>
        </h3>
        <span class="muted small">
          <time datetime={i.postedAt.toISOString()}>{formatInstant(i.postedAt, props.timeZone)}</time>
          {i.postedAt > i.dueAt ? " · late" : ""}
          {i.hasBlockers ? (
            <>
              {" "}
              <span class="badge status-updates-blocked">Blocker</span>
            </>
          ) : null}
        </span>
      </header>
      <p class="status-updates-bottom-line">
        {i.bottomLine ? i.bottomLine : <span class="muted">No bottom line given.</span>}
      </p>
      {i.bodyHtml || i.body ? (
        // bodyHtml was sanitized by renderMarkdown when the update was written.
        <div class="status-updates-body">{i.bodyHtml ? raw(i.bodyHtml) : renderMarkdown(i.body)}</div>
      ) : (
        // Bottom lines first (BLUF); the whole update loads when someone opens it.
        <details
          class="status-updates-more"
          hx-get={`${base}/updates/${i.id}/body`}
          hx-trigger="toggle once"
          hx-target="find div"
        >
          <summary>Full update</summary>
          <div class="status-updates-body">
            <a href={`${base}/updates/${i.id}`}>Open the update</a>
          </div>
        </details>
      )}
      <p class="muted small">
        <a href={`${base}/updates/${i.id}#comments`}>
          {i.commentCount} comment{i.commentCount === 1 ? "" : "s"}
        </a>{" "}
        · read by {i.readCount}
      </p>
    </article>
  );
}

export function SearchResults(props: { hits: SearchHit[]; query: string }): SafeHtml {
  if (!props.query.trim()) return raw("");
  if (!props.hits.length)
    return (
      <EmptyState title="Nothing found.">
        <p>Try other words, or fewer of them.</p>
      </EmptyState>
    );
  return (
    <ol class="plain-list status-updates-results">
      {props.hits.map((h) => (
        <li>
          <a href={`${base}/updates/${h.updateId}${h.commentId ? `#comment-${h.commentId}` : ""}`}>
            {h.kind === "comment" ? `Comment by ${h.authorName}` : `Update by ${h.authorName}`}
          </a>{" "}
          <span class="muted small">
            {h.teamName} · {periodLabel(h.period)}
          </span>
          <p class="status-updates-snippet">{h.snippet.map((p) => (p.match ? <mark>{p.text}</mark> : p.text))}</p>
        </li>
      ))}
    </ol>
  );
}
