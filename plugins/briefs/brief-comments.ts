import { z } from "zod";
import { HttpError, type RequestServices, requireViewer } from "../../server/plugin-api.ts";
import { askIdFor, paragraphsOf } from "./brief-flow.ts";
import { addComment, type Brief, findBrief } from "./briefs.ts";
import { isUuid } from "./local-time.ts";
import type { BriefsSettings } from "./settings.ts";

// Reading a brief and commenting on one of its paragraphs: the rules the brief page and the API share.

type S = RequestServices<BriefsSettings>;

/** The brief, if the viewer may read it: drafts only by their author. */
export async function readableBrief(s: S, id: string | undefined): Promise<Brief> {
  const brief = isUuid(id) ? await findBrief(s.db, id) : null;
  if (!brief) throw new HttpError(404, "There is no such brief.");
  if (brief.state === "draft" && brief.authorId !== requireViewer(s).id) {
    throw new HttpError(403, "This brief is still a draft; only its author can see it.");
  }
  return brief;
}

/** A comment on one paragraph, named by its index and the hash of its text (so an edit since is noticed). */
export const commentForm = z.object({
  paragraph: z.coerce.number().int("Pick a paragraph.").min(0, "Pick a paragraph.").max(10_000),
  paragraphHash: z.string().regex(/^[0-9a-f]{16}$/, "Pick a paragraph."),
  body: z.string().trim().min(1, "Write a comment.").max(5000, "Keep the comment under 5,000 characters."),
});

/**
 * Comments on a paragraph of a brief in review. A reviewer's first comment answers their review
 * request: it stops their clock (`ask.answered`) and tells the author.
 */
export async function commentOnBrief(
  s: S,
  brief: Brief,
  input: z.output<typeof commentForm>,
): Promise<{ id: string; paragraph: number; createdAt: Date }> {
  const viewer = requireViewer(s);
  if (brief.state !== "review") throw new HttpError(409, "Comments are closed: this brief is not in review.");
  const paragraph = paragraphsOf(brief.body)[input.paragraph];
  if (!paragraph || paragraph.hash !== input.paragraphHash) {
    throw new HttpError(422, "That paragraph is not in the brief; reload the page and try again.", {
      fields: { paragraphHash: "That paragraph is not in the brief (it may have been edited)." },
    });
  }
  const now = s.clock.now();
  return s.transaction(async (tx) => {
    const { comment, firstAnswer } = await addComment(tx, {
      briefId: brief.id,
      authorId: viewer.id,
      paragraph: paragraph.index,
      paragraphHash: paragraph.hash,
      body: input.body,
      at: now,
    });
    if (firstAnswer) {
      await s.emit(tx, "ask.answered", {
        askId: askIdFor("brief-review", brief.id, viewer.id),
        responderId: viewer.id,
        answeredAt: now.toISOString(),
      });
      await s.notify(tx, {
        personId: brief.authorId,
        kind: "answer",
        title: `${viewer.name} reviewed your brief: ${brief.title}`.slice(0, 300),
        body: input.body.slice(0, 1000),
        link: `/briefs/${brief.id}#p${paragraph.index}`,
        dedupeKey: `briefs:reviewed:${brief.id}:${viewer.id}`,
      });
    }
    return { id: comment.id, paragraph: paragraph.index, createdAt: now };
  });
}
