import { z } from "zod";
import {
  EmptyState,
  type FieldErrors,
  FormErrors,
  formatInstant,
  HttpError,
  isTeamMember,
  markdownToText,
  PageHeader,
  type PluginRoutes,
  readForm,
  requireViewer,
  type SafeHtml,
} from "../../server/plugin-api.ts";
import { offerExample } from "./examples.ts";
import { sentencesOf } from "./measures.ts";
import { activePairOf } from "./pairs.ts";
import { base, currentQuarter, idParam, type S } from "./request.ts";
import { reviewPanel } from "./review-panel.tsx";
import {
  addReviewComment,
  commentsOf,
  completeReview,
  findReview,
  myReviewRequests,
  type Review,
  type ReviewComment,
  requestReview,
  reviewsWaitingOn,
} from "./reviews.ts";
import type { WritingSettings } from "./settings.ts";

const MAX_DRAFT_CHARS = 100_000;

const requestForm = z.object({
  editor: z.enum(["status-update", "brief"], "Unknown editor."),
  ref: z.string().trim().min(1, "The draft reference is missing.").max(200),
  teamId: z.uuid("Choose a team."),
  link: z
    .string()
    .trim()
    .max(500)
    .refine((l) => l.startsWith("/") && !l.startsWith("//"), "The link must be a portal path."),
  text: z
    .string()
    .trim()
    .min(1, "The draft is empty: write something first.")
    .max(MAX_DRAFT_CHARS, "The draft is too long to review here."),
  bottomLine: z.string().trim().max(2000).default(""),
});

const commentForm = z.object({
  sentence: z.coerce.number("Choose a sentence.").int().min(0, "Choose a sentence."),
  body: z.string().trim().min(2, "Write a comment.").max(2000, "Keep a comment under 2,000 characters."),
});

const completeForm = z.object({
  suggestedBottomLine: z.string().trim().max(1000, "Keep the suggestion under 1,000 characters.").default(""),
  note: z.string().trim().max(2000, "Keep the note under 2,000 characters.").default(""),
});

/** The author or the partner; anyone else is told the review does not exist. */
async function loadReview(s: S, id: string | undefined): Promise<{ review: Review; role: "author" | "partner" }> {
  const viewer = requireViewer(s);
  const review = await findReview(s.db, idParam(id, "Review"));
  if (!review || (review.authorId !== viewer.id && review.partnerId !== viewer.id))
    throw new HttpError(404, "Review not found.");
  return { review, role: review.authorId === viewer.id ? "author" : "partner" };
}

function Sentences(props: { sentences: string[]; comments: ReviewComment[] }): SafeHtml {
  return (
    <ol class="stack">
      {props.sentences.map((text, i) => {
        const mine = props.comments.filter((c) => c.sentence === i);
        return (
          <li id={`sentence-${i}`} class={mine.length ? "writing-sentence has-comment" : "writing-sentence"}>
            <span>{text}</span>
            {mine.map((c) => (
              <p class="small muted">Comment: {c.body}</p>
            ))}
          </li>
        );
      })}
    </ol>
  ) as SafeHtml;
}

async function reviewPage(
  s: S,
  review: Review,
  role: "author" | "partner",
  errors: FieldErrors = {},
): Promise<Response> {
  const viewer = requireViewer(s);
  const comments = await commentsOf(s.db, review.id);
  const sentences = sentencesOf(markdownToText(review.text.replace(/^#{1,6}\s+.*$/gm, "")));
  const open = review.status === "requested";
  return s.page(
    <>
      <PageHeader title="Draft review">
        {role === "author" ? (
          <a class="button button-secondary" href={review.link}>
            Back to your draft
          </a>
        ) : null}
      </PageHeader>
      <p class="muted small">
        Private to the author and their writing partner; the team sees nothing until it is posted. Requested{" "}
        <time datetime={review.requestedAt.toISOString()}>{formatInstant(review.requestedAt, viewer.timeZone)}</time>,
        reply expected by{" "}
        <time datetime={review.dueAt.toISOString()}>{formatInstant(review.dueAt, viewer.timeZone)}</time>.{" "}
        <span class="badge">{review.status}</span>
      </p>
      <div class="split">
        <section class="card" aria-labelledby="draft">
          <h2 id="draft">The draft, sentence by sentence</h2>
          <Sentences sentences={sentences} comments={comments} />
        </section>
        <section class="card stack" aria-labelledby="feedback">
          <h2 id="feedback">Feedback</h2>
          <FormErrors errors={errors} />
          {review.suggestedBottomLine ? (
            <div class="writing-suggestion">
              <p>
                <strong>Suggested bottom line:</strong> {review.suggestedBottomLine}
              </p>
              {review.bottomLine ? <p class="small muted">Was: {review.bottomLine}</p> : null}
            </div>
          ) : null}
          {review.note ? <p>{review.note}</p> : null}
          {role === "partner" && open ? (
            <>
              <form method="post" action={`${base}/reviews/${review.id}/comments`} class="stack" novalidate>
                <div class={errors.sentence ? "field has-error" : "field"}>
                  <label for="f-sentence">Sentence</label>
                  <select id="f-sentence" name="sentence">
                    {sentences.map((text, i) => (
                      <option value={String(i)}>
                        {i + 1}. {text.length > 60 ? `${text.slice(0, 59)}…` : text}
                      </option>
                    ))}
                  </select>
                </div>
                <div class={errors.body ? "field has-error" : "field"}>
                  <label for="f-body">Comment</label>
                  <textarea id="f-body" name="body" rows="3" />
                </div>
                <button type="submit" class="button button-small">
                  Comment on this sentence
                </button>
              </form>
              <form method="post" action={`${base}/reviews/${review.id}/complete`} class="stack" novalidate>
                <div class={errors.suggestedBottomLine ? "field has-error" : "field"}>
                  <label for="f-suggestedBottomLine">Suggest a bottom line (optional)</label>
                  <textarea id="f-suggestedBottomLine" name="suggestedBottomLine" rows="2">
                    {review.bottomLine}
                  </textarea>
                </div>
                <div class={errors.note ? "field has-error" : "field"}>
                  <label for="f-note">Note to the author (optional)</label>
                  <textarea id="f-note" name="note" rows="2" />
                </div>
                <button type="submit" class="button">
                  Send the review
                </button>
              </form>
            </>
          ) : null}
          {role === "author" && review.suggestedBottomLine ? (
            <form method="post" action={`${base}/reviews/${review.id}/example`} class="stack">
              <p class="small muted">
                May the next workshop show this before/after bottom line, without your name? Only with your consent.
              </p>
              <button type="submit" class="button button-secondary button-small">
                Offer as an anonymous workshop example
              </button>
            </form>
          ) : null}
        </section>
      </div>
    </>,
    { title: "Draft review", status: Object.keys(errors).length ? 422 : 200 },
  );
}

function ReviewList(props: {
  items: Awaited<ReturnType<typeof reviewsWaitingOn>>;
  who: "author" | "partner";
  timeZone: string;
}): SafeHtml {
  if (!props.items.length) return <EmptyState title="Nothing here." />;
  return (
    <ul class="plain-list writing-reviews">
      {props.items.map((r) => (
        <li>
          <a href={`${base}/reviews/${r.id}`}>{r.bottomLine || "A draft"}</a>{" "}
          <span class="muted small">
            {props.who === "author" ? `from ${r.authorName}` : `with ${r.partnerName}`} · due{" "}
            <time datetime={r.dueAt.toISOString()}>{formatInstant(r.dueAt, props.timeZone)}</time>
          </span>{" "}
          <span class="badge">{r.status}</span>
        </li>
      ))}
    </ul>
  ) as SafeHtml;
}

export function reviewPages(r: PluginRoutes<WritingSettings>): void {
  r.get("/reviews", "member", async (_c, s) => {
    const viewer = requireViewer(s);
    const [waiting, mine] = await Promise.all([reviewsWaitingOn(s.db, viewer.id), myReviewRequests(s.db, viewer.id)]);
    return s.page(
      <>
        <PageHeader title="Draft reviews" />
        <section class="card" aria-labelledby="waiting">
          <h2 id="waiting">Drafts waiting for your review</h2>
          <ReviewList items={waiting} who="author" timeZone={viewer.timeZone} />
        </section>
        <section class="card" aria-labelledby="mine">
          <h2 id="mine">Your drafts sent for review</h2>
          <ReviewList items={mine} who="partner" timeZone={viewer.timeZone} />
        </section>
      </>,
      { title: "Draft reviews" },
    );
  });

  r.post("/reviews", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, requestForm);
    if (!form.ok) {
      const [field, message] = Object.entries(form.errors)[0] ?? ["form", "Invalid request."];
      throw new HttpError(422, `${field}: ${message}`);
    }
    if (!(await isTeamMember(s.db, form.data.teamId, viewer.id)))
      throw new HttpError(403, "You can only ask for reviews of drafts for your own teams.");
    const pair = await activePairOf(s.db, viewer.id, currentQuarter(s));
    if (!pair)
      throw new HttpError(409, "You have no writing partner this quarter: find one on the writing pairs page.");
    const { reviewTargetHours } = await s.settings();
    const { created } = await s.transaction((tx) =>
      requestReview(tx, s, { pair, draft: form.data, at: s.clock.now(), targetHours: reviewTargetHours }),
    );
    const notice = created
      ? "Sent to your writing partner. Post whenever you are ready."
      : "Your partner now sees your latest draft.";
    // From the editor with htmx: swap the panel in place, so the author's unsaved text stays put.
    if (c.req.header("HX-Request") === "true") {
      const panel = await reviewPanel({ ...form.data, authorId: viewer.id }, s, notice);
      return c.html(String(panel ?? ""));
    }
    s.flash("success", notice);
    return s.redirect(form.data.link);
  });

  r.get("/reviews/:id", "member", async (c, s) => {
    const { review, role } = await loadReview(s, c.req.param("id"));
    return reviewPage(s, review, role);
  });

  r.post("/reviews/:id/comments", "member", async (c, s) => {
    const { review, role } = await loadReview(s, c.req.param("id"));
    if (role !== "partner") throw new HttpError(403, "Only the writing partner comments on the draft.");
    if (review.status !== "requested") throw new HttpError(409, "This review is finished.");
    const form = await readForm(c, commentForm);
    if (!form.ok) return reviewPage(s, review, role, form.errors);
    const sentences = sentencesOf(markdownToText(review.text.replace(/^#{1,6}\s+.*$/gm, "")));
    const quote = sentences[form.data.sentence];
    if (quote === undefined) return reviewPage(s, review, role, { sentence: "Choose a sentence of the draft." });
    await s.transaction((tx) =>
      addReviewComment(tx, s, review, { sentence: form.data.sentence, quote, body: form.data.body, at: s.clock.now() }),
    );
    s.flash("success", "Comment added.");
    return s.redirect(`${base}/reviews/${review.id}#sentence-${form.data.sentence}`);
  });

  r.post("/reviews/:id/complete", "member", async (c, s) => {
    const { review, role } = await loadReview(s, c.req.param("id"));
    if (role !== "partner") throw new HttpError(403, "Only the writing partner sends the review.");
    if (review.status !== "requested") throw new HttpError(409, "This review is already sent.");
    const form = await readForm(c, completeForm);
    if (!form.ok) return reviewPage(s, review, role, form.errors);
    const suggestion = form.data.suggestedBottomLine === review.bottomLine ? "" : form.data.suggestedBottomLine;
    await s.transaction((tx) =>
      completeReview(tx, s, review, { suggestedBottomLine: suggestion, note: form.data.note, at: s.clock.now() }),
    );
    s.flash("success", "Review sent to the author.");
    return s.redirect(`${base}/reviews/${review.id}`);
  });

  r.post("/reviews/:id/example", "member", async (c, s) => {
    const { review, role } = await loadReview(s, c.req.param("id"));
    if (role !== "author") throw new HttpError(403, "Only the author can offer their draft as an example.");
    if (!review.suggestedBottomLine) throw new HttpError(409, "There is no suggested rewrite to show.");
    await offerExample(s.db, { review, at: s.clock.now() });
    s.flash("success", "Thank you: the before/after may appear, without your name, in a workshop.");
    return s.redirect(`${base}/reviews/${review.id}`);
  });
}
