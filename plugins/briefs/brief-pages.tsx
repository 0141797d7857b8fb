import { z } from "zod";
import {
  Avatar,
  EmptyState,
  Field,
  type FieldErrors,
  FormErrors,
  formatInstant,
  HttpError,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  readForm,
  renderMarkdown,
  requireViewer,
  type SafeHtml,
  Select,
} from "../../server/plugin-api.ts";
import { commentForm, commentOnBrief, readableBrief } from "./brief-comments.ts";
import { askIdFor, briefTemplate, canMove, type Paragraph, paragraphsOf, stateLabels } from "./brief-flow.ts";
import {
  activePeople,
  addReviewers,
  awaitingReviewBy,
  type Brief,
  type BriefComment,
  commentsOf,
  createBrief,
  listBriefs,
  moveBrief,
  type Reviewer,
  reviewersOf,
  saveDraft,
} from "./briefs.ts";
import { decisionForBrief, decisionRecorded, recordDecision } from "./decisions.ts";
import { owedNotes } from "./interviews.ts";
import { instantFromLocal, isUuid, localDate } from "./local-time.ts";
import type { BriefState } from "./schema.ts";
import type { BriefsSettings } from "./settings.ts";
import {
  activePeopleOptions,
  BriefsNav,
  Card,
  formValues,
  LintHints,
  listValue,
  type Option,
  PeoplePicker,
  TextArea,
  teamOptions,
  When,
} from "./views.tsx";

type S = RequestServices<BriefsSettings>;

const briefForm = z.object({
  title: z.string().trim().min(1, "Give the brief a title.").max(200, "Keep the title under 200 characters."),
  teamId: z.uuid("Choose the team this brief belongs to."),
  body: z.string().trim().min(1, "Write the brief.").max(20_000, "Keep the brief to one page (20,000 characters)."),
});

const lintForm = z.object({ body: z.string().max(20_000).default("") });

const sendForm = z.object({
  reviewerIds: z.preprocess(
    listValue,
    z
      .array(z.uuid("Choose reviewers from the list."))
      .min(1, "Choose at least one reviewer.")
      .max(30, "At most 30 reviewers."),
  ),
  commentDeadline: z.string().trim().min(1, "Set a comment deadline."),
});

const stateForm = z.object({
  to: z.enum(["synthesis", "decided", "abandoned"], "Choose what happens to the brief."),
  synthesis: z.string().trim().max(20_000, "Keep the synthesis under 20,000 characters.").optional(),
  decision: z.string().trim().max(5000, "Keep the decision under 5,000 characters.").optional(),
});

async function authoredBrief(s: S, id: string | undefined): Promise<Brief> {
  const brief = await readableBrief(s, id);
  if (brief.authorId !== requireViewer(s).id) throw new HttpError(403, "Only the author of a brief can change it.");
  return brief;
}

function StateBadge(props: { state: BriefState }): SafeHtml {
  const tone =
    props.state === "decided" ? "badge badge-success" : props.state === "review" ? "badge badge-accent" : "badge";
  return <span class={tone}>{stateLabels[props.state]}</span>;
}

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

function lintHints(s: S, body: string): SafeHtml {
  return <LintHints hints={s.writing.lint(body, { kind: "brief" })} text={body} />;
}

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

async function briefPage(
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
        <Card title="Close comments and write the synthesis" id="synthesize">
          <form method="post" action={`/briefs/${b.id}/state`} class="stack" novalidate>
            <input type="hidden" name="to" value="synthesis" />
            <FormErrors errors={props.stateErrors} />
            <TextArea
              label="Synthesis"
              name="synthesis"
              rows={8}
              error={props.stateErrors.synthesis}
              hint="What reviewers said, what changed, what is still open."
            />
            <div>
              <button type="submit">Close comments</button>
            </div>
          </form>
        </Card>
      ) : null}
      {b.state === "synthesis" ? (
        <Card title="Record the decision" id="decide">
          <form method="post" action={`/briefs/${b.id}/state`} class="stack" novalidate>
            <input type="hidden" name="to" value="decided" />
            <FormErrors errors={props.stateErrors} />
            <TextArea
              label="Decision"
              name="decision"
              rows={4}
              error={props.stateErrors.decision}
              hint="What was decided; it goes into the decisions log with the synthesis."
            />
            <div>
              <button type="submit">Record decision</button>
            </div>
          </form>
        </Card>
      ) : null}
      {abandon}
    </div>
  );
}

async function overview(s: S): Promise<Response> {
  const viewer = requireViewer(s);
  const now = s.clock.now();
  const [awaiting, owed, items] = await Promise.all([
    awaitingReviewBy(s.db, viewer.id),
    owedNotes(s.db, { personId: viewer.id, since: new Date(now.getTime() - 14 * 86_400_000), until: now }),
    listBriefs(s.db, viewer.id),
  ]);
  return s.page(
    <>
      <BriefsNav current="briefs" />
      <PageHeader title="Kickoff briefs">
        <a class="button" href="/briefs/new">
          New brief
        </a>
      </PageHeader>
      {awaiting.length || owed.length ? (
        <div class="split">
          {awaiting.length ? (
            <Card title="Awaiting your review" id="awaiting">
              <ul class="plain-list">
                {awaiting.map((b) => (
                  <li>
                    <a href={`/briefs/${b.id}`}>{b.title}</a> <span class="muted small">by {b.authorName}</span>
                    {b.commentDeadline ? (
                      <span class="small">
                        {" "}
                        · due <When at={b.commentDeadline} timeZone={viewer.timeZone} />
                      </span>
                    ) : null}
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
          {owed.length ? (
            <Card title="Debrief notes you owe" id="owed">
              <ul class="plain-list">
                {owed.map((n) => (
                  <li>
                    <a href={`/briefs/interviews/${n.interviewId}`}>
                      {n.role}: {n.candidateName}
                    </a>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </div>
      ) : null}
      <Card title="Briefs" id="all">
        {items.length ? (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Brief</th>
                  <th scope="col">Author</th>
                  <th scope="col">State</th>
                  <th scope="col">Comments</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {items.map((b) => (
                  <tr>
                    <td>
                      <a href={`/briefs/${b.id}`}>{b.title}</a>
                    </td>
                    <td>{b.authorName}</td>
                    <td>
                      <StateBadge state={b.state} />
                    </td>
                    <td>{b.comments}</td>
                    <td>
                      <When at={b.updatedAt} timeZone={viewer.timeZone} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No briefs yet.">
            <p>Replace the next kickoff meeting with a one-page brief that people comment on in their own time.</p>
          </EmptyState>
        )}
      </Card>
    </>,
    { title: "Kickoff briefs" },
  );
}

async function editorPage(
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

async function teamExists(s: S, teamId: string): Promise<boolean> {
  return (await teamOptions(s.db)).some((t) => t.id === teamId);
}

export function briefPages(r: PluginRoutes<BriefsSettings>): void {
  r.get("/", "member", (_c, s) => overview(s), { keepRendered: true });

  r.get("/new", "member", async (_c, s) => {
    const mine = await s.myTeams();
    return editorPage(s, { brief: null, values: { body: briefTemplate, teamId: mine[0]?.id ?? "" } });
  });

  r.post("/", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, briefForm);
    const values = formValues(form.values);
    if (!form.ok) return editorPage(s, { brief: null, values, errors: form.errors });
    if (!(await teamExists(s, form.data.teamId)))
      return editorPage(s, { brief: null, values, errors: { teamId: "Choose a team from the list." } });
    const brief = await createBrief(s.db, { authorId: viewer.id, ...form.data, at: s.clock.now() });
    s.flash("success", "Draft saved. Send it for review when it reads well.");
    return s.redirect(`/briefs/${brief.id}`);
  });

  r.post("/lint", "member", async (c, s) => {
    const form = await readForm(c, lintForm);
    const body = form.ok ? form.data.body : "";
    return s.page(lintHints(s, body), { title: "Writing hints" });
  });

  r.get("/:id{[0-9a-f-]+}", "member", async (c, s) => briefPage(s, await readableBrief(s, c.req.param("id"))), {
    keepRendered: true,
  });

  r.get("/:id{[0-9a-f-]+}/edit", "member", async (c, s) => {
    const brief = await authoredBrief(s, c.req.param("id"));
    if (brief.state !== "draft") throw new HttpError(409, "Only a draft can be edited; this brief was circulated.");
    return editorPage(s, { brief, values: { title: brief.title, teamId: brief.teamId, body: brief.body } });
  });

  r.post("/:id{[0-9a-f-]+}", "member", async (c, s) => {
    const brief = await authoredBrief(s, c.req.param("id"));
    if (brief.state !== "draft") throw new HttpError(409, "Only a draft can be edited; this brief was circulated.");
    const form = await readForm(c, briefForm);
    const values = formValues(form.values);
    if (!form.ok) return editorPage(s, { brief, values, errors: form.errors });
    if (!(await teamExists(s, form.data.teamId)))
      return editorPage(s, { brief, values, errors: { teamId: "Choose a team from the list." } });
    await saveDraft(s.db, brief.id, { ...form.data, at: s.clock.now() });
    s.flash("success", "Draft saved.");
    return s.redirect(`/briefs/${brief.id}`);
  });

  r.post("/:id{[0-9a-f-]+}/send", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const brief = await authoredBrief(s, c.req.param("id"));
    if (!canMove(brief.state, "review")) throw new HttpError(409, "This brief was already sent for review.");
    const form = await readForm(c, sendForm);
    const values = formValues(form.values);
    const reviewerIds = listValue(form.values.reviewerIds).filter(isUuid);
    const again = (errors: FieldErrors) => briefPage(s, brief, { errors, values, reviewerIds });
    if (!form.ok) return again(form.errors);
    const now = s.clock.now();
    const deadline = instantFromLocal(form.data.commentDeadline, viewer.timeZone);
    if (!deadline) return again({ commentDeadline: "Enter a date and time like 2026-03-06T17:00." });
    if (deadline <= now) return again({ commentDeadline: "The comment deadline must be in the future." });
    const ids = [...new Set(form.data.reviewerIds)];
    if (ids.includes(brief.authorId)) return again({ reviewerIds: "You cannot review your own brief." });
    const found = await activePeople(s.db, ids);
    if (found.length !== ids.length) return again({ reviewerIds: "Choose reviewers from the list." });
    await s.transaction(async (tx) => {
      if (!(await moveBrief(tx, brief.id, "draft", "review", { commentDeadline: deadline, sentAt: now, at: now }))) {
        throw new HttpError(409, "This brief was already sent for review.");
      }
      await addReviewers(tx, brief.id, ids);
      for (const reviewer of found) {
        await s.emit(tx, "ask.created", {
          askId: askIdFor("brief-review", brief.id, reviewer.id),
          teamId: brief.teamId,
          askerId: brief.authorId,
          addresseeIds: [reviewer.id],
          workType: "review request",
          medium: "portal",
          summary: `Review the brief "${brief.title}"`.slice(0, 200),
          link: `/briefs/${brief.id}`,
          source: "briefs",
          dueAt: deadline.toISOString(),
        });
        await s.notify(tx, {
          personId: reviewer.id,
          title: `${viewer.name} asks for your review: ${brief.title}`.slice(0, 300),
          body: `Comments are due ${formatInstant(deadline, reviewer.timeZone)}.`,
          link: `/briefs/${brief.id}`,
          dedupeKey: `briefs:review:${brief.id}:${reviewer.id}`,
          kind: "review-request",
        });
      }
    });
    s.flash("success", `Sent to ${ids.length} reviewer${ids.length === 1 ? "" : "s"}.`);
    return s.redirect(`/briefs/${brief.id}`);
  });

  r.post("/:id{[0-9a-f-]+}/comments", "member", async (c, s) => {
    const brief = await readableBrief(s, c.req.param("id"));
    if (brief.state !== "review") throw new HttpError(409, "Comments are closed: this brief is not in review.");
    const form = await readForm(c, commentForm);
    if (!form.ok) throw new HttpError(422, Object.values(form.errors)[0] ?? "Write a comment.");
    const comment = await commentOnBrief(s, brief, form.data);
    s.flash("success", "Comment added.");
    return s.redirect(`/briefs/${brief.id}#p${comment.paragraph}`);
  });

  r.post("/:id{[0-9a-f-]+}/state", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const brief = await authoredBrief(s, c.req.param("id"));
    const form = await readForm(c, stateForm);
    if (!form.ok) return briefPage(s, brief, undefined, form.errors);
    const { to } = form.data;
    if (!canMove(brief.state, to)) {
      throw new HttpError(409, `A brief in "${stateLabels[brief.state]}" cannot move to "${stateLabels[to]}".`);
    }
    if (to === "synthesis" && !form.data.synthesis)
      return briefPage(s, brief, undefined, { synthesis: "Write the synthesis." });
    if (to === "decided" && !form.data.decision)
      return briefPage(s, brief, undefined, { decision: "Say what was decided." });
    const now = s.clock.now();
    await s.transaction(async (tx) => {
      const moved = await moveBrief(tx, brief.id, brief.state, to, {
        at: now,
        ...(to === "synthesis" ? { synthesis: form.data.synthesis ?? "" } : {}),
        ...(to === "decided" ? { decision: form.data.decision ?? "", closedAt: now } : {}),
        ...(to === "abandoned" ? { closedAt: now } : {}),
      });
      if (!moved) throw new HttpError(409, "Someone changed this brief meanwhile; reload and try again.");
      if (to === "synthesis") {
        await s.emit(tx, "brief.synthesized", {
          briefId: brief.id,
          teamId: brief.teamId,
          authorId: brief.authorId,
          title: brief.title,
          link: `/briefs/${brief.id}`,
        });
      }
      if (to === "decided") {
        const decision = await recordDecision(tx, {
          kind: "brief",
          briefId: brief.id,
          title: brief.title,
          decidedBy: viewer.name,
          decidedOn: localDate(now, viewer.timeZone),
          rationale: [form.data.decision, brief.synthesis].filter(Boolean).join("\n\n"),
          links: `/briefs/${brief.id}`,
          recordedById: viewer.id,
          at: now,
        });
        await s.emit(tx, "decision.recorded", decisionRecorded(decision, brief.teamId));
      }
    });
    s.flash(
      "success",
      to === "decided" ? "Decision recorded in the decisions log." : `Brief moved to ${stateLabels[to]}.`,
    );
    return s.redirect(`/briefs/${brief.id}`);
  });
}
