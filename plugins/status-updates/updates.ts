import { and, asc, desc, eq, exists, getTableColumns, inArray, isNull, or, sql } from "drizzle-orm";
import {
  type DbOrTx,
  type FieldErrors,
  handleOf,
  markdownToText,
  mentionedHandles,
  type NewNotification,
  type PluginServices,
  people,
  renderMarkdown,
  type Tx,
  teamMembers,
} from "../../server/plugin-api.ts";
import { acknowledgements, askAddressees, asks, comments, type Question, updateEdits, updates } from "./schema.ts";

/** An update as pages use it: every column but the search vector, which only search reads. */
export type Update = Omit<typeof updates.$inferSelect, "search">;
const { search: _search, ...updateColumns } = getTableColumns(updates);
export type Comment = typeof comments.$inferSelect;

/** The largest update (all answers together) we accept, in bytes of UTF-8. */
export const MAX_UPDATE_BYTES = 100 * 1024;
export const MAX_COMMENT_BYTES = 20 * 1024;

export interface Composed {
  body: string;
  bodyHtml: string;
  bottomLine: string;
  blockers: string;
  hasBlockers: boolean;
  askText: string;
}

// "None", "n/a", "-" … in the blockers answer mean there are none.
const noBlockers = /^\s*(none|nothing|no(ne)?\.?|n\/?a|-+|no blockers?\.?|nope)\s*\.?\s*$/i;

/** The answers as one Markdown document plus the parts other features read. */
export function compose(questions: Question[], answers: Record<string, string>): Composed {
  const parts: string[] = [];
  let bottomLine = "";
  let blockers = "";
  let askText = "";
  for (const q of questions) {
    const answer = (answers[q.key] ?? "").trim();
    if (!answer) continue;
    parts.push(`## ${q.label}\n\n${answer}`);
    if (q.kind === "bottom-line") bottomLine = markdownToText(answer).trim().slice(0, 500);
    if (q.kind === "risks") blockers = answer;
    if (q.kind === "ask") askText = answer;
  }
  const body = parts.join("\n\n");
  return {
    body,
    bodyHtml: renderMarkdown(body).value,
    bottomLine,
    blockers,
    hasBlockers: blockers !== "" && !noBlockers.test(markdownToText(blockers)),
    askText,
  };
}

/** The columns of an update that `compose` derives from its answers. */
export function storedColumns(
  c: Composed,
): Pick<Composed, "body" | "bodyHtml" | "bottomLine" | "blockers" | "hasBlockers"> {
  return {
    body: c.body,
    bodyHtml: c.bodyHtml,
    bottomLine: c.bottomLine,
    blockers: c.blockers,
    hasBlockers: c.hasBlockers,
  };
}

export function byteLength(answers: Record<string, string>): number {
  return Object.values(answers).reduce((n, a) => n + Buffer.byteLength(a, "utf8"), 0);
}

/** What stops an update from being posted, keyed `form` or `q-<question key>`; empty when it can be posted. */
export function answerErrors(answers: Record<string, string>, questions: Question[]): FieldErrors {
  if (!Object.keys(answers).length) return { form: "Your update is empty: write at least the bottom line." };
  if (byteLength(answers) > MAX_UPDATE_BYTES)
    return { form: `Your update is over ${MAX_UPDATE_BYTES / 1024} KB. Shorten it, or link to a document.` };
  const bottom = questions.find((q) => q.kind === "bottom-line");
  if (bottom && !answers[bottom.key]) return { [`q-${bottom.key}`]: "Start with the bottom line." };
  return {};
}

export async function findUpdate(db: DbOrTx, id: string): Promise<Update | null> {
  const [row] = await db.select(updateColumns).from(updates).where(eq(updates.id, id));
  return row ?? null;
}

export async function updateFor(db: DbOrTx, teamId: string, authorId: string, period: string): Promise<Update | null> {
  const [row] = await db
    .select(updateColumns)
    .from(updates)
    .where(and(eq(updates.teamId, teamId), eq(updates.authorId, authorId), eq(updates.period, period)));
  return row ?? null;
}

export interface DraftInput {
  teamId: string;
  authorId: string;
  period: string;
  dueAt: Date;
  questions: Question[];
  answers: Record<string, string>;
  at: Date;
}

/** Saves a draft; a no-op (returns false) when the update for that period is already posted. */
export async function saveDraft(db: DbOrTx, input: DraftInput): Promise<boolean> {
  const c = compose(input.questions, input.answers);
  const values = {
    answers: input.answers,
    ...storedColumns(c),
    updatedAt: input.at,
  };
  const rows = await db
    .insert(updates)
    .values({
      teamId: input.teamId,
      authorId: input.authorId,
      period: input.period,
      dueAt: input.dueAt,
      createdAt: input.at,
      ...values,
    })
    .onConflictDoUpdate({
      target: [updates.teamId, updates.authorId, updates.period],
      set: values,
      setWhere: sql`${updates.status} = 'draft'`,
    })
    .returning({ id: updates.id });
  return rows.length > 0;
}

/** People named by @handle (the local part of their email), active only. */
export async function peopleByHandles(db: DbOrTx, handles: string[]): Promise<{ id: string; name: string }[]> {
  if (!handles.length) return [];
  const rows = await db
    .select({ id: people.id, name: people.name, email: people.email })
    .from(people)
    .where(and(eq(people.status, "active"), inArray(sql`lower(split_part(${people.email}, '@', 1))`, handles)));
  return rows.filter((r) => handles.includes(handleOf(r.email))).map(({ id, name }) => ({ id, name }));
}

/**
 * Those of `people` who may read the team's updates (its members, admins and the owner): a
 * mention never shows an update's words to someone who could not open it.
 */
async function readersAmong<P extends { id: string }>(db: DbOrTx, teamId: string, list: P[]): Promise<P[]> {
  if (!list.length) return [];
  const rows = await db
    .select({ id: people.id })
    .from(people)
    .where(
      and(
        inArray(
          people.id,
          list.map((p) => p.id),
        ),
        or(
          inArray(people.role, ["admin", "owner"]),
          exists(
            db
              .select({ one: sql`1` })
              .from(teamMembers)
              .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.personId, people.id))),
          ),
        ),
      ),
    );
  const readers = new Set(rows.map((r) => r.id));
  return list.filter((p) => readers.has(p.id));
}

async function nameOf(db: DbOrTx, personId: string): Promise<string> {
  const [row] = await db.select({ name: people.name }).from(people).where(eq(people.id, personId));
  return row?.name ?? "Someone";
}

/**
 * Tells the people @mentioned in an update that it mentions them, once per update and person;
 * the addressees of its ask are told about the ask instead.
 */
async function notifyUpdateMentions(tx: Tx, s: PluginServices, update: Update): Promise<void> {
  const addressed = new Set(
    (
      await tx
        .select({ id: askAddressees.personId })
        .from(askAddressees)
        .innerJoin(asks, eq(asks.id, askAddressees.askId))
        .where(eq(asks.updateId, update.id))
    ).map((r) => r.id),
  );
  const mentioned = await readersAmong(
    tx,
    update.teamId,
    (await peopleByHandles(tx, mentionedHandles(update.body))).filter(
      (p) => p.id !== update.authorId && !addressed.has(p.id),
    ),
  );
  if (!mentioned.length) return;
  const author = await nameOf(tx, update.authorId);
  await s.notifyMany(
    tx,
    mentioned.map((p) => ({
      personId: p.id,
      kind: "mention" as const,
      title: `${author} mentioned you in their update`,
      body: update.bottomLine,
      link: `/status-updates/updates/${update.id}`,
      dedupeKey: `status-updates:update-mention:${update.id}:${p.id}`,
    })),
  );
}

function askSummary(text: string): string {
  const plain = markdownToText(text).replace(/\s+/g, " ").trim();
  return `Ask: ${plain.length > 140 ? `${plain.slice(0, 139)}…` : plain}`;
}

/**
 * Creates the ask of a posted update (once per update) and emits `ask.created` in the same
 * transaction. Asks that name nobody are kept as text only: there is no one to start a clock for.
 */
async function createAsk(tx: Tx, s: PluginServices, update: Update, askText: string, at: Date): Promise<void> {
  const addressees = (await peopleByHandles(tx, mentionedHandles(askText))).filter((p) => p.id !== update.authorId);
  if (!addressees.length) return;
  const [ask] = await tx
    .insert(asks)
    .values({ updateId: update.id, teamId: update.teamId, askerId: update.authorId, text: askText, createdAt: at })
    .onConflictDoNothing()
    .returning();
  if (!ask) return;
  await tx.insert(askAddressees).values(addressees.map((p) => ({ askId: ask.id, personId: p.id })));
  const summary = askSummary(askText);
  const asker = await nameOf(tx, update.authorId);
  await s.notifyMany(
    tx,
    addressees.map((p) => ({
      personId: p.id,
      kind: "ask" as const,
      title: `${asker} asks you: ${summary.replace(/^Ask: /, "")}`.slice(0, 300),
      body: markdownToText(askText).slice(0, 1000),
      link: `/status-updates/updates/${update.id}`,
      dedupeKey: `status-updates:ask:${ask.id}:${p.id}`,
      action: { type: "answer-ask" as const, askId: ask.id },
    })),
  );
  await s.emit(tx, "ask.created", {
    askId: ask.id,
    teamId: update.teamId,
    askerId: update.authorId,
    addresseeIds: addressees.map((p) => p.id),
    workType: "question",
    medium: "portal",
    summary,
    link: `/status-updates/updates/${update.id}`,
    source: "status-updates",
  });
}

/**
 * Posts the author's update for the period (their draft, if any, becomes the update), records
 * its ask, and emits `status.posted` and `ask.created` in one transaction. Returns null when the
 * period's update was already posted (edit it instead).
 */
export async function postUpdate(s: PluginServices, input: DraftInput): Promise<Update | null> {
  const c = compose(input.questions, input.answers);
  return s.transaction(async (tx) => {
    const values = {
      status: "posted" as const,
      answers: input.answers,
      ...storedColumns(c),
      postedAt: input.at,
      updatedAt: input.at,
    };
    const [row] = await tx
      .insert(updates)
      .values({
        teamId: input.teamId,
        authorId: input.authorId,
        period: input.period,
        dueAt: input.dueAt,
        createdAt: input.at,
        ...values,
      })
      .onConflictDoUpdate({
        target: [updates.teamId, updates.authorId, updates.period],
        set: values,
        setWhere: sql`${updates.status} = 'draft'`,
      })
      .returning();
    if (!row) return null;
    await s.emit(tx, "status.posted", {
      updateId: row.id,
      teamId: row.teamId,
      authorId: row.authorId,
      period: row.period,
      body: row.body,
      ask: c.askText,
    });
    if (c.askText) await createAsk(tx, s, row, c.askText, input.at);
    await notifyUpdateMentions(tx, s, row);
    return row;
  });
}

/**
 * Edits a posted update, keeping the previous answers in the edit history. An ask added by the
 * edit (when the update had none) is created then.
 */
export async function editUpdate(
  s: PluginServices,
  update: Update,
  questions: Question[],
  answers: Record<string, string>,
  editorId: string,
  at: Date,
): Promise<void> {
  const c = compose(questions, answers);
  await s.transaction(async (tx) => {
    await tx.insert(updateEdits).values({ updateId: update.id, editorId, previous: update.answers, editedAt: at });
    const [row] = await tx
      .update(updates)
      .set({
        answers,
        ...storedColumns(c),
        updatedAt: at,
      })
      .where(eq(updates.id, update.id))
      .returning();
    if (!row) return;
    if (c.askText) await createAsk(tx, s, row, c.askText, at);
    await notifyUpdateMentions(tx, s, row);
  });
}

export async function editHistory(
  db: DbOrTx,
  updateId: string,
): Promise<{ id: string; previous: Record<string, string>; editedAt: Date; editorName: string }[]> {
  return db
    .select({
      id: updateEdits.id,
      previous: updateEdits.previous,
      editedAt: updateEdits.editedAt,
      editorName: people.name,
    })
    .from(updateEdits)
    .innerJoin(people, eq(people.id, updateEdits.editorId))
    .where(eq(updateEdits.updateId, updateId))
    .orderBy(desc(updateEdits.editedAt));
}

/**
 * Adds a comment and emits `comment.created`; when the commenter is an addressee of the update's
 * ask who has not answered yet, records the answer and emits `ask.answered` (once per addressee).
 * The people it @mentions and the update's author are notified in the same transaction.
 */
export async function addComment(
  s: PluginServices,
  update: Update,
  input: { authorId: string; authorName: string; body: string; at: Date },
): Promise<Comment> {
  return s.transaction(async (tx) => {
    const [comment] = await tx
      .insert(comments)
      .values({ updateId: update.id, authorId: input.authorId, body: input.body, createdAt: input.at })
      .returning();
    if (!comment) throw new Error("comment insert returned nothing");
    const mentioned = (await peopleByHandles(tx, mentionedHandles(input.body))).filter((p) => p.id !== input.authorId);
    const link = `/status-updates/updates/${update.id}#comment-${comment.id}`;
    await s.emit(tx, "comment.created", {
      commentId: comment.id,
      subject: { kind: "status-update", id: update.id },
      authorId: input.authorId,
      mentionIds: mentioned.map((p) => p.id),
      body: input.body,
    });
    const answered = await tx
      .update(askAddressees)
      .set({ answeredAt: input.at, answerCommentId: comment.id })
      .where(
        and(
          eq(askAddressees.personId, input.authorId),
          isNull(askAddressees.answeredAt),
          inArray(askAddressees.askId, tx.select({ id: asks.id }).from(asks).where(eq(asks.updateId, update.id))),
        ),
      )
      .returning({ askId: askAddressees.askId });
    for (const a of answered) {
      await s.emit(tx, "ask.answered", {
        askId: a.askId,
        responderId: input.authorId,
        answeredAt: input.at.toISOString(),
      });
    }
    const notices = commentNotices(update, comment, input.authorName, mentioned, answered.length > 0, link);
    const readers = new Set(
      (
        await readersAmong(
          tx,
          update.teamId,
          notices.map((n) => ({ id: n.personId })),
        )
      ).map((p) => p.id),
    );
    await s.notifyMany(
      tx,
      notices.filter((n) => readers.has(n.personId)),
    );
    return comment;
  });
}

/**
 * Who hears about a comment, each once: the people it @mentions, and the update's author — told
 * their ask was answered when it answers it, or that someone commented otherwise.
 */
function commentNotices(
  update: Update,
  comment: Comment,
  commenter: string,
  mentioned: { id: string }[],
  answersAsk: boolean,
  link: string,
): NewNotification[] {
  const body = markdownToText(comment.body).slice(0, 1000);
  const toAuthor = update.authorId !== comment.authorId;
  // An author who is both mentioned and answered hears that their ask was answered.
  const notices: NewNotification[] = mentioned
    .filter((p) => !(toAuthor && answersAsk && p.id === update.authorId))
    .map((p) => ({
      personId: p.id,
      kind: "mention",
      title: `${commenter} mentioned you in a comment`,
      body,
      link,
      dedupeKey: `status-updates:mention:${comment.id}:${p.id}`,
    }));
  if (toAuthor && (answersAsk || !mentioned.some((p) => p.id === update.authorId))) {
    notices.push({
      personId: update.authorId,
      kind: answersAsk ? "answer" : "comment",
      title: answersAsk ? `${commenter} answered your ask` : `${commenter} commented on your update`,
      body,
      link,
      dedupeKey: `status-updates:comment:${comment.id}:${update.authorId}`,
    });
  }
  return notices;
}

export async function commentsOf(
  db: DbOrTx,
  updateId: string,
): Promise<{ id: string; body: string; createdAt: Date; authorId: string; authorName: string }[]> {
  return db
    .select({
      id: comments.id,
      body: comments.body,
      createdAt: comments.createdAt,
      authorId: comments.authorId,
      authorName: people.name,
    })
    .from(comments)
    .innerJoin(people, eq(people.id, comments.authorId))
    .where(eq(comments.updateId, updateId))
    .orderBy(asc(comments.createdAt));
}

export async function acknowledge(db: DbOrTx, updateId: string, personId: string, at: Date): Promise<void> {
  await db.insert(acknowledgements).values({ updateId, personId, at }).onConflictDoNothing();
}

export async function readersOf(db: DbOrTx, updateId: string): Promise<{ id: string; name: string; at: Date }[]> {
  return db
    .select({ id: people.id, name: people.name, at: acknowledgements.at })
    .from(acknowledgements)
    .innerJoin(people, eq(people.id, acknowledgements.personId))
    .where(eq(acknowledgements.updateId, updateId))
    .orderBy(asc(acknowledgements.at));
}

export interface AskView {
  id: string;
  text: string;
  addressees: { id: string; name: string; answeredAt: Date | null }[];
}

export async function askOf(db: DbOrTx, updateId: string): Promise<AskView | null> {
  const rows = await db
    .select({
      id: asks.id,
      text: asks.text,
      personId: askAddressees.personId,
      name: people.name,
      answeredAt: askAddressees.answeredAt,
    })
    .from(asks)
    .innerJoin(askAddressees, eq(askAddressees.askId, asks.id))
    .innerJoin(people, eq(people.id, askAddressees.personId))
    .where(eq(asks.updateId, updateId))
    .orderBy(asc(people.name));
  const first = rows[0];
  if (!first) return null;
  return {
    id: first.id,
    text: first.text,
    addressees: rows.map((r) => ({ id: r.personId, name: r.name, answeredAt: r.answeredAt })),
  };
}

/** One ask with the update it came with, and whether `personId` is addressed and has answered. */
export async function findAsk(
  db: DbOrTx,
  askId: string,
  personId: string,
): Promise<{ id: string; updateId: string; addressed: boolean; answeredAt: Date | null } | null> {
  const [row] = await db
    .select({
      id: asks.id,
      updateId: asks.updateId,
      addressee: askAddressees.personId,
      answeredAt: askAddressees.answeredAt,
    })
    .from(asks)
    .leftJoin(askAddressees, and(eq(askAddressees.askId, asks.id), eq(askAddressees.personId, personId)))
    .where(eq(asks.id, askId));
  if (!row) return null;
  return { id: row.id, updateId: row.updateId, addressed: row.addressee !== null, answeredAt: row.answeredAt };
}

/** Asks addressed to a person that they have not answered, newest first. */
export async function asksWaitingOn(
  db: DbOrTx,
  personId: string,
  limit = 20,
): Promise<{ askId: string; updateId: string; text: string; askerName: string; createdAt: Date }[]> {
  return db
    .select({
      askId: asks.id,
      updateId: asks.updateId,
      text: asks.text,
      askerName: people.name,
      createdAt: asks.createdAt,
    })
    .from(askAddressees)
    .innerJoin(asks, eq(asks.id, askAddressees.askId))
    .innerJoin(people, eq(people.id, asks.askerId))
    .where(and(eq(askAddressees.personId, personId), isNull(askAddressees.answeredAt)))
    .orderBy(desc(asks.createdAt))
    .limit(limit);
}
