import type { EditorDraft, RequestServices, SafeHtml } from "../../server/plugin-api.ts";
import { formatInstant } from "../../server/plugin-api.ts";
import { activePairOf } from "./pairs.ts";
import { quarterOf } from "./quarter.ts";
import { commentsOf, reviewOfDraft } from "./reviews.ts";
import type { WritingSettings } from "./settings.ts";

/**
 * Beside the editor's writing hints: "Ask my writing partner to review", then the partner's
 * sentence comments and suggested bottom line. Only the author sees it; it never blocks posting.
 */
export async function reviewPanel(
  draft: EditorDraft,
  s: RequestServices<WritingSettings>,
  notice?: string,
): Promise<SafeHtml | null> {
  const viewer = s.viewer;
  if (!viewer || viewer.id !== draft.authorId) return null;
  const pair = await activePairOf(s.db, viewer.id, quarterOf(s.clock.now(), viewer.timeZone));
  const review = await reviewOfDraft(s.db, draft.editor, draft.ref, viewer.id);
  const comments = review ? await commentsOf(s.db, review.id) : [];
  return (
    <section class="writing-review-panel" aria-labelledby="writing-review-title">
      <h2 id="writing-review-title" class="writing-panel-title">
        Writing partner
      </h2>
      {notice ? (
        <p class="small" role="status">
          {notice}
        </p>
      ) : null}
      {review ? (
        <div class="stack">
          <p class="small">
            {review.status === "reviewed" ? (
              "Reviewed."
            ) : (
              <>
                Sent for review; reply expected by{" "}
                <time datetime={review.dueAt.toISOString()}>{formatInstant(review.dueAt, viewer.timeZone)}</time>.
              </>
            )}{" "}
            <a href={`/writing/reviews/${review.id}`}>Open the review</a>
          </p>
          {review.suggestedBottomLine ? (
            <div class="writing-suggestion">
              <p class="small">
                <strong>Suggested bottom line:</strong> {review.suggestedBottomLine}
              </p>
            </div>
          ) : null}
          {comments.length ? (
            <ul class="plain-list small">
              {comments.map((c) => (
                <li>
                  <q>{c.quote}</q> — {c.body}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {pair ? (
        draft.text.trim() ? (
          <form
            method="post"
            action="/writing/reviews"
            class="stack"
            hx-post="/writing/reviews"
            hx-target="closest .writing-review-panel"
            hx-swap="outerHTML"
          >
            {(["editor", "ref", "teamId", "link", "text", "bottomLine"] as const).map((name) => (
              <input type="hidden" name={name} value={draft[name]} />
            ))}
            <button type="submit" class="button button-secondary button-small">
              {review?.status === "requested"
                ? "Send my latest draft to my partner"
                : "Ask my writing partner to review"}
            </button>
            <p class="muted small">
              Only your partner sees the draft. You can post any time; a review is never required.
            </p>
          </form>
        ) : (
          <p class="muted small">Write a draft, then ask your writing partner to review it before you post.</p>
        )
      ) : (
        <p class="muted small">
          No writing partner this quarter. <a href="/writing/pairs">Find one</a>.
        </p>
      )}
    </section>
  ) as SafeHtml;
}
