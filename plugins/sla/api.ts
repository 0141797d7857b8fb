import { and, eq } from "drizzle-orm";
import { HttpError, type PluginRoutes } from "../../server/plugin-api.ts";
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
import { asks } from "./schema.ts";
import type { SlaSettings } from "./settings.ts";
import { authenticateWebhook } from "./webhook-tokens.ts";

function unauthorized(): Response {
  return Response.json(
    { error: "Send a valid SLA webhook token: Authorization: Bearer dtsla_…" },
    { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="sla"' } },
  );
}

export function slaApi(r: PluginRoutes<SlaSettings>): void {
  r.get("/", "member", async (c, s) => {
    const viewer = s.viewer;
    if (!viewer) throw new HttpError(401, "Please sign in.");
    const items = await openClocks(s.db, { responderId: viewer.id }, s.clock.now());
    return c.json({
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
    });
  });

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
