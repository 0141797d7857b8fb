import {
  Avatar,
  Field,
  type FieldErrors,
  FormErrors,
  PageHeader,
  type RequestServices,
  renderMarkdown,
  requireViewer,
  type SafeHtml,
} from "../../server/plugin-api.ts";
import { canMove, type Paragraph, paragraphsOf } from "./brief-flow.ts";
import { lintHints, StateBadge } from "./brief-views.tsx";
import { activePeople, type Brief, type BriefComment, commentsOf, type Reviewer, reviewersOf } from "./briefs.ts";
import { decisionForBrief } from "./decisions.ts";
import type { BriefsSettings } from "./settings.ts";
import { activePeopleOptions, BriefsNav, Card, type Option, PeoplePicker, TextArea, When } from "./views.tsx";

type S = RequestServices<BriefsSettings>;

/** The first words of a paragraph, without Markdown marks, to tell its comment button apart. */
function excerpt(text: string): string {
  const words = text
    .replace(/[#*_>`[\]()-]+/g, " ")
    .trim()
    .split(/\s+/);
  return words.length > 8 ? `${words.slice(0, 8).join(" ")}…` : words.join(" ");
}

function ParagraphComments(props: {
  paragraph: Paragraph;
  comments: BriefComment[];
  canComment: boolean;
  briefId: string;
  timeZone: string;
}): SafeHtml {
  const p = props.paragraph;
  return (
    <aside class="briefs-comments" aria-label={`Comments on paragraph ${p.index + 1}`}>
      {props.comments.map((c) => (
        <article class="briefs-comment">
          <p class="small">
            <Avatar name={c.authorName} size="small" /> <strong>{c.authorName}</strong> ·{" "}
            <When at={c.createdAt} timeZone={props.timeZone} />
            {c.paragraphHash !== p.hash ? <span class="muted"> (on an earlier wording)</span> : null}
          </p>
          <p>{c.body}</p>
        </article>
      ))}
      {props.canComment ? (
        <details class="briefs-comment-form">
          <summary>
            Comment
            <span class="visually-hidden">
              {" "}
              on paragraph {String(p.index + 1)}: {excerpt(p.text)}
            </span>
          </summary>
          <form method="post" action={`/briefs/${props.briefId}/comments`} class="stack">
            <input type="hidden" name="paragraph" value={String(p.index)} />
            <input type="hidden" name="paragraphHash" value={p.hash} />
            <div class="field">
              <label for={`c-${p.index}`}>Your comment</label>
              <textarea id={`c-${p.index}`} name="body" rows="3" required></textarea>
            </div>
            <div>
              <button type="submit" class="button-small">
                Comment
              </button>
            </div>
          </form>
        </details>
      ) : null}
    </aside>
  );
}

function SendForm(props: {
  brief: Brief;
  people: Option[];
  values: Record<string, string>;
  reviewerIds: string[];
  errors: FieldErrors;
}): SafeHtml {
  return (
    <form method="post" action={`/briefs/${props.brief.id}/send`} class="stack" novalidate>
      <FormErrors errors={props.errors} />
      <PeoplePicker
        label="Reviewers"
        name="reviewerIds"
        options={props.people.filter((p) => p.id !== props.brief.authorId)}
        selected={props.reviewerIds}
        error={props.errors.reviewerIds}
        hint="Each reviewer gets a review request with a response clock."
      />
      <Field
        label="Comment deadline (your time)"
        name="commentDeadline"
        type="datetime-local"
        value={props.values.commentDeadline}
        error={props.errors.commentDeadline}
        required
      />
      <div>
        <button type="submit">Send for review</button>
      </div>
    </form>
  );
}

export async function briefPage(
  s: S,
  brief: Brief,
  send: { errors: FieldErrors; values: Record<string, string>; reviewerIds: string[] } = {
    errors: {},
    values: {},
    reviewerIds: [],
  },
  stateErrors: FieldErrors = {},
): Promise<Response> {
  const viewer = requireViewer(s);
  const isAuthor = brief.authorId === viewer.id;
  const [comments, reviewers, logEntry, authors] = await Promise.all([
    commentsOf(s.db, brief.id),
    reviewersOf(s.db, brief.id),
    brief.state === "decided" ? decisionForBrief(s.db, brief.id) : Promise.resolve(null),
    activePeople(s.db, [brief.authorId]),
  ]);
  const paragraphs = paragraphsOf(brief.body);
  const canComment = brief.state === "review";
  const failed = Object.keys(send.errors).length > 0 || Object.keys(stateErrors).length > 0;
  return s.page(
    <>
      <BriefsNav current="briefs" />
      <PageHeader title={brief.title}>
        <StateBadge state={brief.state} />
        {isAuthor && brief.state === "draft" ? (
          <a class="button button-secondary button-small" href={`/briefs/${brief.id}/edit`}>
            Edit
          </a>
        ) : null}
      </PageHeader>
      <BriefFacts brief={brief} author={authors[0]?.name} reviewers={reviewers} timeZone={viewer.timeZone} />
      {brief.state === "decided" || brief.state === "synthesis" ? (
        <Outcome brief={brief} logEntryId={logEntry?.id ?? null} />
      ) : null}
      <section class="briefs-doc" aria-label="The brief">
        {paragraphs.map((p) => (
          <div class="briefs-para" id={`p${p.index}`}>
            <div class="briefs-para-text">{renderMarkdown(p.text)}</div>
            <ParagraphComments
              paragraph={p}
              comments={comments.filter((c) => c.paragraph === p.index)}
              canComment={canComment}
              briefId={brief.id}
              timeZone={viewer.timeZone}
            />
          </div>
        ))}
      </section>
      {isAuthor ? (
        <AuthorActions
          brief={brief}
          s={s}
          send={send}
          stateErrors={stateErrors}
          people={await activePeopleOptions(s.db)}
        />
      ) : null}
    </>,
    { title: brief.title, status: failed ? 422 : 200 },
  );
}

function BriefFacts(props: {
  brief: Brief;
  author: string | undefined;
  reviewers: Reviewer[];
  timeZone: string;
}): SafeHtml {
  const b = props.brief;
  return (
    <dl class="briefs-facts">
      {props.author ? (
        <>
          <dt>Written by</dt>
          <dd class="briefs-person">
            <Avatar name={props.author} size="small" />
            {props.author}
          </dd>
        </>
      ) : null}
      {b.commentDeadline ? (
        <>
          <dt>Comments due</dt>
          <dd>
            <When at={b.commentDeadline} timeZone={props.timeZone} />
          </dd>
        </>
      ) : null}
      {props.reviewers.length ? (
        <>
          <dt>Reviewers</dt>
          <dd>
            {props.reviewers.map((r, i) => (
              <>
                {i ? ", " : ""}
                {r.name}
                {r.answeredAt ? " ✓" : ""}
              </>
            ))}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function Outcome(props: { brief: Brief; logEntryId: string | null }): SafeHtml {
  const b = props.brief;
  return (
    <section class="card briefs-outcome" aria-labelledby="outcome">
      <h2 id="outcome">{b.state === "decided" ? "Decision" : "Synthesis"}</h2>
      {b.state === "decided" && b.decision ? <div class="briefs-decision">{renderMarkdown(b.decision)}</div> : null}
      {b.synthesis ? (
        <>
          {b.state === "decided" ? <h3>Synthesis</h3> : null}
          {renderMarkdown(b.synthesis)}
        </>
      ) : null}
      {props.logEntryId ? (
        <p>
          <a href={`/briefs/decisions/${props.logEntryId}`}>In the decisions log</a>
        </p>
      ) : null}
    </section>
  );
}

/** A step of the brief's flow that needs a text: closing comments with a synthesis, deciding. */
function StepForm(props: {
  brief: Brief;
  to: "synthesis" | "decided";
  title: string;
  id: string;
  field: { name: "synthesis" | "decision"; label: string; rows: number };
  hint: string;
  button: string;
  errors: FieldErrors;
}): SafeHtml {
  return (
    <Card title={props.title} id={props.id}>
      <form method="post" action={`/briefs/${props.brief.id}/state`} class="stack" novalidate>
        <input type="hidden" name="to" value={props.to} />
        <FormErrors errors={props.errors} />
        <TextArea
          label={props.field.label}
          name={props.field.name}
          rows={props.field.rows}
          error={props.errors[props.field.name]}
          hint={props.hint}
        />
        <div>
          <button type="submit">{props.button}</button>
        </div>
      </form>
    </Card>
  );
}

function AuthorActions(props: {
  brief: Brief;
  s: S;
  people: Option[];
  send: { errors: FieldErrors; values: Record<string, string>; reviewerIds: string[] };
  stateErrors: FieldErrors;
}): SafeHtml {
  const b = props.brief;
  const abandon = canMove(b.state, "abandoned") ? (
    <form method="post" action={`/briefs/${b.id}/state`} class="inline-form">
      <input type="hidden" name="to" value="abandoned" />
      <button type="submit" class="button button-secondary button-small">
        Abandon this brief
      </button>
    </form>
  ) : null;
  return (
    <div class="briefs-actions stack">
      {b.state === "draft" ? (
        <>
          <Card title="Writing hints" id="hints">
            {lintHints(props.s, b.body)}
          </Card>
          <Card title="Send for review" id="send">
            <SendForm
              brief={b}
              people={props.people}
              values={props.send.values}
              reviewerIds={props.send.reviewerIds}
              errors={props.send.errors}
            />
          </Card>
        </>
      ) : null}
      {b.state === "review" ? (
        <StepForm
          brief={b}
          to="synthesis"
          title="Close comments and write the synthesis"
          id="synthesize"
          field={{ name: "synthesis", label: "Synthesis", rows: 8 }}
          hint="What reviewers said, what changed, what is still open."
          button="Close comments"
          errors={props.stateErrors}
        />
      ) : null}
      {b.state === "synthesis" ? (
        <StepForm
          brief={b}
          to="decided"
          title="Record the decision"
          id="decide"
          field={{ name: "decision", label: "Decision", rows: 4 }}
          hint="What was decided; it goes into the decisions log with the synthesis."
          button="Record decision"
          errors={props.stateErrors}
        />
      ) : null}
      {abandon}
    </div>
  );
}
