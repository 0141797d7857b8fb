import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Context } from "hono";
import { z } from "zod";
import {
  type DomainEvent,
  HttpError,
  type PluginServices,
  people,
  type Tx,
  teamMembers,
  teams,
} from "../../server/plugin-api.ts";
import { mediums } from "./charter.ts";
import { answerAsk, isBotIdentity, startAsk } from "./clocks.ts";
import { answers, asks, clocks } from "./schema.ts";
import type { SlaSettings } from "./settings.ts";

const uuid = z.uuid();

/**
 * Serializes the handlers of one ask: its `ask.created` and `ask.answered` may be handled at the
 * same time by two instances, and each must see what the other committed.
 */
async function lockAsk(tx: Tx, sourceRef: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sla.ask:${sourceRef}`}))`);
}

/** Stops the clocks of portal asks with this ref for every answer recorded so far. */
async function applyRecordedAnswers(tx: Tx, sourceRef: string): Promise<void> {
  const found = await tx
    .select({ id: asks.id })
    .from(asks)
    .where(and(eq(asks.sourceRef, sourceRef), ne(asks.source, "webhook")));
  if (!found.length) return;
  const recorded = await tx.select().from(answers).where(eq(answers.sourceRef, sourceRef));
  for (const ask of found) {
    for (const a of recorded) await answerAsk(tx, { askId: ask.id, responderId: a.responderId, at: a.answeredAt });
  }
}

/** An ISO instant from an event payload, or null when absent or unreadable. */
function instantOf(value: unknown): Date | null {
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) return null;
  return new Date(value);
}

/**
 * `ask.created`: record the ask and start its clocks, then apply answers that arrived before it.
 * Idempotent: a retry or replay starts nothing new.
 */
export async function onAskCreated(event: DomainEvent<"ask.created">, s: PluginServices<SlaSettings>): Promise<void> {
  const p = event.payload;
  const ids = Array.isArray(p.addresseeIds) ? p.addresseeIds.filter((id) => uuid.safeParse(id).success) : [];
  if (!uuid.safeParse(p.teamId).success || typeof p.askId !== "string") {
    s.logger.warn("ignored an ask.created event without a team or ask id", { eventId: event.id });
    return;
  }
  const [team] = await s.db.select({ id: teams.id }).from(teams).where(eq(teams.id, p.teamId));
  if (!team) return;
  const { warnFraction } = await s.settings();
  await s.transaction(async (tx) => {
    await lockAsk(tx, p.askId);
    await startAsk(tx, {
      source: p.source || event.source,
      sourceRef: p.askId,
      teamId: p.teamId,
      askerId: uuid.safeParse(p.askerId).success ? p.askerId : null,
      addresseeIds: ids,
      workType: String(p.workType || "question").toLowerCase(),
      medium: String(p.medium || "portal").toLowerCase(),
      title: String(p.summary || "An ask"),
      link: String(p.link || "/"),
      at: event.createdAt,
      dueAt: instantOf(p.dueAt),
      warnFraction,
    });
    await applyRecordedAnswers(tx, p.askId);
  });
}

/**
 * `ask.answered`: record the answer, and stop the clocks of that ask the responder may answer.
 * When the ask has not arrived yet, the recorded answer stops them as it arrives.
 */
export async function onAskAnswered(event: DomainEvent<"ask.answered">, s: PluginServices<SlaSettings>): Promise<void> {
  const p = event.payload;
  if (!uuid.safeParse(p.responderId).success || typeof p.askId !== "string") return;
  const at = instantOf(p.answeredAt) ?? event.createdAt;
  await s.transaction(async (tx) => {
    await lockAsk(tx, p.askId);
    await tx
      .insert(answers)
      .values({ sourceRef: p.askId, responderId: p.responderId, answeredAt: at })
      .onConflictDoUpdate({
        target: [answers.sourceRef, answers.responderId],
        set: { answeredAt: sql`least(${answers.answeredAt}, excluded.answered_at)` },
      });
    await applyRecordedAnswers(tx, p.askId);
  });
}

/**
 * Tells the people a webhook's ask now waits on (its clocks' responders) at once: a review
 * request from a git host reaches them like one made in the portal. Once per ask and person.
 */
export async function notifyResponders(
  tx: Tx,
  s: PluginServices,
  ask: { askId: string; title: string; link: string; workType: string },
): Promise<void> {
  const responders = await tx.select({ personId: clocks.responderId }).from(clocks).where(eq(clocks.askId, ask.askId));
  const review = ask.workType === "review request";
  await s.notifyMany(
    tx,
    responders.map((r) => ({
      personId: r.personId,
      kind: review ? ("review-request" as const) : ("ask" as const),
      title: `${review ? "Review requested" : "Waiting on you"}: ${ask.title}`.slice(0, 300),
      body: ask.link,
      // The link is outside the portal; the portal's waiting list has the clock.
      link: "/sla",
      dedupeKey: `sla:asked:${ask.askId}:${r.personId}`,
    })),
  );
}

const email = z.string().trim().toLowerCase().max(254).pipe(z.email("an email address"));

export const inboundAsk = z.object({
  externalId: z.string().trim().min(1, "externalId is required").max(200),
  team: z.string().trim().min(1, "team is required").max(200),
  workType: z.string().trim().toLowerCase().min(1).max(60).default("review request"),
  medium: z.enum(mediums).default("portal"),
  addressees: z.array(email).min(1, "name at least one addressee").max(50),
  asker: email.optional(),
  title: z.string().trim().min(1, "title is required").max(300),
  link: z.url({ protocol: /^https?$/, error: "link must be an http(s) URL" }).max(2000),
});

export const inboundResponse = z.object({
  responder: email,
  bot: z.boolean().default(false),
  respondedAt: z.iso.datetime({ offset: true }).optional(),
});

/** Parses a JSON body with a schema: malformed JSON is a 400, a body that fails the schema a 422 naming the field. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  if (!(c.req.header("Content-Type") ?? "").toLowerCase().startsWith("application/json"))
    throw new HttpError(415, "Send JSON with Content-Type: application/json.");
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HttpError(400, "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "body";
    throw new HttpError(422, `Invalid ${field}: ${issue?.message ?? "unexpected value"}.`);
  }
  return parsed.data;
}

/**
 * Active members of the token's team by email, for webhook addressees and responders. Anyone
 * else — another team's member, a deactivated account, an address with no account — is simply
 * absent, and the caller answers without saying which: a team's token reaches its own team only
 * and cannot be used to find out who has an account.
 */
export async function teamMembersByEmail(
  s: PluginServices,
  teamId: string,
  emails: string[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(emails)];
  if (!wanted.length) return new Map();
  const rows = await s.db
    .select({ id: people.id, email: people.email })
    .from(people)
    .innerJoin(teamMembers, and(eq(teamMembers.personId, people.id), eq(teamMembers.teamId, teamId)))
    .where(and(inArray(sql`lower(${people.email})`, wanted), eq(people.status, "active")));
  return new Map(rows.map((r) => [r.email.toLowerCase(), r.id]));
}

/** The 422 for addressees outside the token's team: the same whichever address it is, and why. */
export function addresseesOutsideTeam(): HttpError {
  const message = "every addressee must be an active member of this token's team";
  return new HttpError(422, `Invalid addressees: ${message}.`, { fields: { addressees: message } });
}

/** Whether a webhook's `team` (an id or a name) is the token's team. */
export async function teamMatches(s: PluginServices, tokenTeamId: string, team: string): Promise<boolean> {
  if (team === tokenTeamId) return true;
  const [row] = await s.db.select({ name: teams.name }).from(teams).where(eq(teams.id, tokenTeamId));
  return row?.name.toLowerCase() === team.toLowerCase();
}

export { answerAsk, isBotIdentity, startAsk };
