import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { HttpError, membersOf, type PluginRoutes, type PluginSetup, requireViewer } from "../../server/plugin-api.ts";
import { teamAccess } from "./access.ts";
import {
  type Charter,
  currentCharter,
  MAX_TARGET_HOURS,
  mediums,
  parseCharter,
  publishCharter,
  workTypes,
} from "./charter.ts";
import { openClocks } from "./clocks.ts";
import {
  addresseesOutsideTeam,
  answerAsk,
  inboundAsk,
  inboundResponse,
  isBotIdentity,
  notifyResponders,
  readJson,
  startAsk,
  teamMatches,
  teamMembersByEmail,
} from "./inbound.ts";
import { asks, responderModes, targetBases } from "./schema.ts";
import type { SlaSettings } from "./settings.ts";
import { authenticateWebhook } from "./webhook-tokens.ts";

function unauthorized(): Response {
  return Response.json(
    { error: "Send a valid SLA webhook token: Authorization: Bearer dtsla_…" },
    { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="sla"' } },
  );
}

export function slaApi(r: PluginRoutes<SlaSettings>): void {
  // A git host (or any tool) asks for a response: one clock per addressee per the team's charter.
  r.post("/asks", "token", async (c, s) => {
    const auth = await authenticateWebhook(s.db, c.req.header("Authorization"), s.clock.now());
    if (!auth) return unauthorized();
    const body = await readJson(c, inboundAsk);
    if (!(await teamMatches(s, auth.teamId, body.team)))
      throw new HttpError(403, "This token belongs to another team.");
    const ids = await teamMembersByEmail(s, auth.teamId, [...body.addressees, ...(body.asker ? [body.asker] : [])]);
    if (!body.addressees.every((address) => ids.has(address))) throw addresseesOutsideTeam();
    const { warnFraction } = await s.settings();
    const result = await s.transaction(async (tx) => {
      const started = await startAsk(tx, {
        source: "webhook",
        sourceRef: body.externalId,
        teamId: auth.teamId,
        askerId: body.asker ? (ids.get(body.asker) ?? null) : null,
        addresseeIds: body.addressees.map((e) => ids.get(e) as string),
        workType: body.workType,
        medium: body.medium,
        title: body.title,
        link: body.link,
        at: s.clock.now(),
        warnFraction,
      });
      if (started.created) {
        await notifyResponders(tx, s, {
          askId: started.askId,
          title: body.title,
          link: body.link,
          workType: body.workType,
        });
      }
      return started;
    });
    return c.json(
      { askId: result.askId, clocksStarted: result.started, duplicate: !result.created },
      result.created ? 201 : 200,
    );
  });

  r.post("/asks/:id/responses", "token", async (c, s) => {
    const auth = await authenticateWebhook(s.db, c.req.header("Authorization"), s.clock.now());
    if (!auth) return unauthorized();
    const externalId = c.req.param("id");
    if (!externalId || externalId.length > 200) throw new HttpError(404, "There is no such ask.");
    const body = await readJson(c, inboundResponse);
    const [ask] = await s.db
      .select({ id: asks.id })
      .from(asks)
      .where(and(eq(asks.source, "webhook"), eq(asks.teamId, auth.teamId), eq(asks.sourceRef, externalId)));
    if (!ask) throw new HttpError(404, "There is no such ask for this token's team.");
    const bot = body.bot || isBotIdentity(body.responder);
    // Someone outside the team (or with no account) is "not an eligible responder", like any non-addressee.
    const responderId = bot ? null : (await teamMembersByEmail(s, auth.teamId, [body.responder])).get(body.responder);
    const at = body.respondedAt
      ? new Date(Math.min(Date.parse(body.respondedAt), s.clock.now().getTime()))
      : s.clock.now();
    const stopped = responderId ? await s.transaction((tx) => answerAsk(tx, { askId: ask.id, responderId, at })) : 0;
    return c.json({
      askId: ask.id,
      clocksStopped: stopped,
      ignored: bot ? "bot" : stopped ? null : "not an eligible responder",
    });
  });
}

const charterRowOutput = z.object({
  workType: z.string(),
  medium: z.string(),
  targetHours: z.number().describe("The response target, in hours of its basis."),
  basis: z.enum(targetBases),
  responders: z.enum(responderModes),
  responderId: z.uuid().nullable().describe("The person who responds, when responders is person."),
});

const charterOutput = z.object({
  teamId: z.uuid(),
  version: z.number().int().describe("0 while the team follows the organization default."),
  rows: z.array(charterRowOutput),
});

const charterInput = z.object({
  rows: z
    .array(
      z.object({
        workType: z
          .string()
          .trim()
          .min(1, "Name the type of work.")
          .max(60, "Keep the work type under 60 characters.")
          .describe(`e.g. ${workTypes.join(", ")}`),
        medium: z.enum(mediums, `Choose one of ${mediums.join(", ")}.`),
        targetHours: z
          .number("Give the target in hours, e.g. 24.")
          .positive("The target must be more than 0 hours.")
          .max(MAX_TARGET_HOURS, `The limit is ${MAX_TARGET_HOURS} hours.`),
        basis: z.enum(targetBases, "Choose business or calendar.").default("business"),
        responders: z.enum(responderModes, `Choose one of ${responderModes.join(", ")}.`).default("addressees"),
        responderId: z.uuid("Give the id of a person on the team.").nullable().default(null),
      }),
    )
    .min(1, "Add at least one row.")
    .max(50, "At most 50 rows."),
});

function charterJson(teamId: string, charter: Charter): z.input<typeof charterOutput> {
  return {
    teamId,
    version: charter.version,
    rows: charter.rows.map((r) => ({ ...r, targetHours: r.targetMinutes / 60 })),
  };
}

/** Documented endpoints under /api/sla: what waits on you, and a team's charter, read and published. */
export function slaEndpoints(api: PluginSetup<SlaSettings>): void {
  api.endpoint(
    {
      method: "get",
      path: "/",
      scope: "read",
      access: "member",
      summary: "List the asks waiting on your response, with their SLA clocks",
      response: z.object({
        waiting: z.array(
          z.object({
            askId: z.uuid(),
            title: z.string(),
            link: z.string(),
            workType: z.string(),
            medium: z.string(),
            status: z.enum(["on track", "due soon", "breached", "paused", "answered"]),
            remainingBusinessSeconds: z.number().int().describe("Negative once breached."),
            dueAt: z.iso.datetime().nullable(),
          }),
        ),
      }),
    },
    async (_input, s) => {
      const viewer = requireViewer(s);
      const items = await openClocks(s.db, { responderId: viewer.id }, s.clock.now());
      return {
        waiting: items.map((i) => ({
          askId: i.askId,
          title: i.title,
          link: i.link,
          workType: i.workType,
          medium: i.medium,
          status: i.status.status,
          remainingBusinessSeconds: Math.round(i.status.remainingSeconds),
          dueAt: i.dueAt?.toISOString() ?? null,
        })),
      };
    },
  );

  api.endpoint(
    {
      method: "get",
      path: "/teams/:teamId/charter",
      scope: "read",
      access: "member",
      summary: "Read a team's charter (response targets per type of work and medium)",
      params: { teamId: "The team's id." },
      response: charterOutput,
    },
    async ({ params }, s) => {
      const access = await teamAccess(s, params.teamId, "read");
      return charterJson(access.team.id, await currentCharter(s.db, access.team.id));
    },
  );

  api.endpoint(
    {
      method: "put",
      path: "/teams/:teamId/charter",
      scope: "charters:write",
      access: "member",
      summary: "Publish a new version of a team's charter",
      description:
        "Only the team's managers and admins may (403 otherwise), as on the charter page. The rows replace the charter as a new version; clocks already running keep the version they started with. A person named as responder must be on the team.",
      params: { teamId: "The team's id." },
      body: charterInput,
      response: charterOutput,
    },
    async ({ body, params }, s) => {
      const access = await teamAccess(s, params.teamId, "manage");
      const members = await membersOf(s.db, access.team.id);
      // The charter form's own rules (a responder on the team, no row twice) decide, as on the page.
      const parsed = parseCharter(
        {
          workType: body.rows.map((r) => r.workType),
          medium: body.rows.map((r) => r.medium),
          targetHours: body.rows.map((r) => String(r.targetHours)),
          basis: body.rows.map((r) => r.basis),
          responders: body.rows.map((r) => r.responders),
          responderId: body.rows.map((r) => r.responderId ?? ""),
        },
        new Set(members.map((m) => m.id)),
      );
      if (!parsed.ok) {
        const fields = Object.fromEntries(
          Object.entries(parsed.errors).map(([key, message]) => {
            const [field, index] = key.split(".");
            return [index === undefined ? "rows" : `rows.${index}.${field}`, message];
          }),
        );
        const [field, message] = Object.entries(fields)[0] ?? ["rows", "not acceptable"];
        throw new HttpError(422, `Invalid ${field}: ${message.replace(/\.$/, "")}.`, { fields });
      }
      const viewerId = s.viewer?.id ?? "";
      await s.transaction((tx) =>
        publishCharter(tx, { teamId: access.team.id, rows: parsed.rows, actorId: viewerId, at: s.clock.now() }),
      );
      return charterJson(access.team.id, await currentCharter(s.db, access.team.id));
    },
  );
}
