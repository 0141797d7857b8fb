import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { chatAccounts } from "../chat/schema.ts";
import { chatTransport } from "../chat/transport.ts";
import { rowsOf } from "../db/rows.ts";
import { notify } from "../notifications/notifications.ts";
import { quietHours } from "../notifications/schema.ts";
import type { Person } from "../people/people.ts";
import { teamMembers, teams } from "../people/schema.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { slackSignature } from "./signature.ts";

// The Slack app end to end over HTTP: DeskTrust listens on 127.0.0.1 and is called the way Slack
// calls it (signed requests), and a local receiver stands in for slack.com's Web API.

const SECRET = "test-signing-secret-0123456789";
const TOKEN = "xoxb-test-token";

interface SlackCall {
  method: string;
  authorization: string | null;
  args: Record<string, unknown>;
}

/** Slack users the receiver knows: id → profile email and whether Slack verified it. */
const slackUsers = new Map<string, { email: string; confirmed: boolean }>();
const calls: SlackCall[] = [];
const slack = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const method = new URL(req.url).pathname.slice(1);
    const args = (await req.json().catch(() => ({}))) as Record<string, unknown>;
    calls.push({ method, authorization: req.headers.get("authorization"), args });
    const userOf = (id: string) => {
      const u = slackUsers.get(id);
      return u ? { id, team_id: "T1", is_email_confirmed: u.confirmed, profile: { email: u.email } } : null;
    };
    if (method === "users.info") {
      const user = userOf(String(args.user));
      return Response.json(user ? { ok: true, user } : { ok: false, error: "user_not_found" });
    }
    if (method === "users.lookupByEmail") {
      const wanted = String(args.email).toLowerCase();
      const id = [...slackUsers].find(([, u]) => u.email.toLowerCase() === wanted)?.[0];
      return Response.json(id ? { ok: true, user: userOf(id) } : { ok: false, error: "users_not_found" });
    }
    if (method === "views.open") return Response.json({ ok: true, view: { id: "V1" } });
    if (method === "chat.postMessage") return Response.json({ ok: true, ts: "1700000000.000100" });
    return Response.json({ ok: false, error: "unknown_method" });
  },
});

let t: TestApp;
let server: ReturnType<typeof Bun.serve>;
let teamId: string;
let ann: Person;
let bea: Person;
let cal: Person;

beforeAll(async () => {
  t = await testApp({
    plugins: ["status-updates", "sla"],
    env: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `http://127.0.0.1:${slack.port}` },
  });
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => t.app.fetch(req) });
  const [team] = await t.ctx.db.insert(teams).values({ name: "Platform", timeZone: "UTC" }).returning();
  teamId = (team as { id: string }).id;
  ann = await t.person({ email: "ann@example.com", name: "Ann Author" });
  bea = await t.person({ email: "bea@example.com", name: "Bea Reviewer" });
  cal = await t.person({ email: "cal@example.com", name: "Cal Unverified" });
  await t.ctx.db.insert(teamMembers).values([
    { teamId, personId: ann.id, isManager: false },
    { teamId, personId: bea.id, isManager: false },
    { teamId, personId: cal.id, isManager: false },
  ]);
  slackUsers.set("UANN", { email: "ann@example.com", confirmed: true });
  slackUsers.set("UBEA", { email: "BEA@example.com", confirmed: true });
  slackUsers.set("UCAL", { email: "cal@example.com", confirmed: false });
});
afterAll(async () => {
  server.stop(true);
  slack.stop(true);
  await t.close();
});

/** POSTs to DeskTrust the way Slack does: no Origin, no cookie, a signature over the raw body. */
function fromSlack(path: string, body: string, options: { contentType?: string; secret?: string; at?: Date } = {}) {
  const timestamp = String(Math.floor((options.at ?? t.clock.now()).getTime() / 1000));
  return fetch(`http://127.0.0.1:${server.port}/integrations/slack/${path}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": options.contentType ?? "application/x-www-form-urlencoded",
      "X-Slack-Request-Timestamp": timestamp,
      "X-Slack-Signature": slackSignature(options.secret ?? SECRET, timestamp, body),
    },
  });
}

const interact = (payload: unknown) =>
  fromSlack("interactivity", `payload=${encodeURIComponent(JSON.stringify(payload))}`);

function lastCall(method: string): SlackCall {
  const call = calls.filter((c) => c.method === method).at(-1);
  if (!call) throw new Error(`Slack's ${method} was not called`);
  return call;
}

/** Runs the outbound queue and returns the Slack messages it sent. */
async function deliverChat(): Promise<SlackCall[]> {
  const before = calls.length;
  await t.ctx.scheduler.runNow("core.outbound-delivery");
  return calls.slice(before).filter((c) => c.method === "chat.postMessage");
}

type Block = { type: string; block_id?: string; hint?: { text: string }; elements?: Record<string, unknown>[] };
const buttonsOf = (call: SlackCall): Record<string, unknown>[] =>
  ((call.args.blocks as Block[]) ?? []).flatMap((b) => (b.type === "actions" ? (b.elements ?? []) : []));

/** A view_submission of the modal last opened, with these answers typed into its inputs. */
function submission(slackUser: string, answers: Record<string, string>) {
  const view = lastCall("views.open").args.view as { callback_id: string; private_metadata: string; blocks: Block[] };
  const values = Object.fromEntries(
    view.blocks
      .filter((b) => b.type === "input")
      .map((b) => [b.block_id, { value: { type: "plain_text_input", value: answers[b.block_id as string] ?? null } }]),
  );
  return {
    type: "view_submission",
    user: { id: slackUser },
    view: { callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values } },
  };
}

describe("Slack request URLs", () => {
  it("answer the url_verification challenge, and refuse unsigned, mis-signed and stale requests", async () => {
    const challenge = JSON.stringify({ type: "url_verification", challenge: "3eZbrw1aBm2rZgRN" });
    const ok = await fromSlack("events", challenge, { contentType: "application/json" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRN" });

    const unsigned = await fetch(`http://127.0.0.1:${server.port}/integrations/slack/events`, {
      method: "POST",
      body: challenge,
      headers: { "Content-Type": "application/json" },
    });
    expect(unsigned.status).toBe(401);
    expect(
      (await fromSlack("events", challenge, { contentType: "application/json", secret: "wrong-secret-0000" })).status,
    ).toBe(401);
    const stale = new Date(t.clock.now().getTime() - 6 * 60_000);
    const replay = await fromSlack("commands", "command=%2Fdesktrust&text=update&user_id=UANN&trigger_id=x", {
      at: stale,
    });
    expect(replay.status).toBe(401);
    expect((await replay.json()) as { error: string }).toEqual({
      error: "The Slack request is more than five minutes old.",
    });
  });
});

describe("linking Slack users to people", () => {
  it("links by verified email only, from the admin page", async () => {
    const admin = await t.signedIn("admin");
    expect((await admin.post("/admin/slack/link")).status).toBe(303);
    const linked = await t.ctx.db.select().from(chatAccounts);
    const byPerson = new Map(linked.map((row) => [row.personId, row.userId]));
    expect(byPerson.get(ann.id)).toBe("UANN");
    expect(byPerson.get(bea.id)).toBe("UBEA");
    expect(byPerson.has(cal.id)).toBe(false);
    expect(lastCall("users.lookupByEmail").authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("tells an unverified Slack user their account is not linked, and links nobody", async () => {
    const res = await fromSlack("commands", "command=%2Fdesktrust&text=update&user_id=UCAL&trigger_id=trig-cal");
    expect(res.status).toBe(200);
    const view = lastCall("views.open").args.view as { title: { text: string } };
    expect(view.title.text).toBe("Not linked");
    expect(await t.ctx.db.select().from(chatAccounts).where(eq(chatAccounts.personId, cal.id))).toHaveLength(0);
  });
});

describe("the update reminder in Slack", () => {
  it("DMs a Write update button; the button opens the BLUF modal; submitting posts a real update", async () => {
    // Friday 15:30 UTC: the team's default check-in (Friday 15:00) is due.
    t.clock.set("2026-03-06T15:30:00Z");
    await t.ctx.scheduler.runNow("status-updates.remind");
    const sent = await deliverChat();
    const dm = sent.find((c) => c.args.channel === "UANN");
    expect(dm?.authorization).toBe(`Bearer ${TOKEN}`);
    const button = buttonsOf(dm as SlackCall).find((b) => b.action_id === "write_update");
    expect(button).toMatchObject({ type: "button", value: teamId, text: { type: "plain_text", text: "Write update" } });

    const click = await interact({
      type: "block_actions",
      user: { id: "UANN" },
      trigger_id: "trig-write",
      actions: [{ action_id: "write_update", value: teamId }],
    });
    expect(click.status).toBe(200);
    const opened = lastCall("views.open");
    expect(opened.args.trigger_id).toBe("trig-write");
    const view = opened.args.view as { type: string; callback_id: string; blocks: Block[] };
    expect(view).toMatchObject({ type: "modal", callback_id: "write_update" });
    const bottomLine = view.blocks.find((b) => b.block_id === "bottom-line");
    expect(bottomLine?.hint?.text).toContain("Bottom line up front");

    // An empty bottom line comes back as an error under that input; nothing is stored.
    const refused = await interact(submission("UANN", { progress: "Some progress." }));
    expect(await refused.json()).toEqual({
      response_action: "errors",
      errors: { "bottom-line": "Start with the bottom line." },
    });

    const posted = await interact(
      submission("UANN", {
        "bottom-line": "The importer ships Monday.",
        ask: "@bea can you review the retry logic by Tuesday?",
        progress: "Parsing and retries are done.",
      }),
    );
    const reply = (await posted.json()) as { response_action: string; view: { title: { text: string } } };
    expect(reply.response_action).toBe("update");
    expect(reply.view.title.text).toBe("Done");
    const rows = rowsOf<{ status: string; bottom_line: string; team_id: string }>(
      await t.ctx.db.execute(
        sql`select status, bottom_line, team_id from status_updates.updates where author_id = ${ann.id}`,
      ),
    );
    expect(rows).toEqual([{ status: "posted", bottom_line: "The importer ships Monday.", team_id: teamId }]);
  });

  it("opens the same modal from /desktrust update", async () => {
    const res = await fromSlack(
      "commands",
      "command=%2Fdesktrust&text=update%20platform&user_id=UBEA&trigger_id=trig-cmd",
    );
    expect(res.status).toBe(200);
    const opened = lastCall("views.open");
    expect(opened.args.trigger_id).toBe("trig-cmd");
    expect((opened.args.view as { callback_id: string }).callback_id).toBe("write_update");
  });
});

describe("an ask in Slack", () => {
  it("DMs an Answer button; answering from the modal answers the ask and stops its SLA clock", async () => {
    await t.ctx.events.dispatch();
    const [ask] = rowsOf<{ id: string }>(
      await t.ctx.db.execute(sql`select a.id from status_updates.asks a join status_updates.ask_addressees d
        on d.ask_id = a.id where d.person_id = ${bea.id}`),
    );
    const askId = (ask as { id: string }).id;
    const clock = sql`select c.state from sla.clocks c join sla.asks a on a.id = c.ask_id where a.source_ref = ${askId}`;
    expect(rowsOf<{ state: string }>(await t.ctx.db.execute(clock))).toEqual([{ state: "running" }]);

    const sent = await deliverChat();
    const dm = sent.find((c) => c.args.channel === "UBEA");
    expect(dm?.args.text).toContain("Ann Author asks you");
    expect(buttonsOf(dm as SlackCall).find((b) => b.action_id === "answer_ask")).toMatchObject({ value: askId });

    await interact({
      type: "block_actions",
      user: { id: "UBEA" },
      trigger_id: "trig-answer",
      actions: [{ action_id: "answer_ask", value: askId }],
    });
    const view = lastCall("views.open").args.view as { callback_id: string; blocks: Block[] };
    expect(view.callback_id).toBe("answer_ask");
    const answered = await interact(submission("UBEA", { answer: "Yes: reviewed, two comments inline." }));
    expect(((await answered.json()) as { response_action: string }).response_action).toBe("update");

    const [addressee] = rowsOf<{ answered_at: unknown }>(
      await t.ctx.db.execute(
        sql`select answered_at from status_updates.ask_addressees where ask_id = ${askId} and person_id = ${bea.id}`,
      ),
    );
    expect(addressee?.answered_at).not.toBeNull();
    await t.ctx.events.dispatch();
    expect(rowsOf<{ state: string }>(await t.ctx.db.execute(clock))).toEqual([{ state: "stopped" }]);

    // A second click finds nothing left to answer.
    await interact({
      type: "block_actions",
      user: { id: "UBEA" },
      trigger_id: "trig-again",
      actions: [{ action_id: "answer_ask", value: askId }],
    });
    expect((lastCall("views.open").args.view as { title: { text: string } }).title.text).toBe("Nothing to answer");
  });
});

describe("a team's bottom lines in its channel", () => {
  it("are posted once, when the period closes, through the outbound queue", async () => {
    const admin = await t.signedIn("admin");
    expect((await admin.post("/admin/slack/channels", { [`channel-${teamId}`]: "nope" })).status).toBe(422);
    expect((await admin.post("/admin/slack/channels", { [`channel-${teamId}`]: "C0PLATFORM" })).status).toBe(303);
    // The following Monday: last week's period is closed.
    t.clock.set("2026-03-09T10:00:00Z");
    await t.ctx.scheduler.runNow("core.slack-bottom-lines");
    await t.ctx.scheduler.runNow("core.slack-bottom-lines");
    const posts = (await deliverChat()).filter((c) => c.args.channel === "C0PLATFORM");
    expect(posts).toHaveLength(1);
    const blocks = posts[0]?.args.blocks as { type: string; text: { text: string } }[];
    expect(blocks[0]).toMatchObject({ type: "header" });
    expect(blocks[1]?.text.text).toContain("*Ann Author*: The importer ships Monday.");
  });
});

describe("quiet hours", () => {
  it("hold a chat message until they end in the person's time zone", async () => {
    const at = new Date("2026-03-09T23:00:00Z");
    t.clock.set(at);
    await t.ctx.db.insert(quietHours).values({ personId: bea.id, starts: "22:00", ends: "07:00" });
    const context = { source: "test", at, baseUrl: t.ctx.config.baseUrl, chat: chatTransport(t.ctx.config) };
    await notify(t.ctx.db, {
      ...context,
      personId: bea.id,
      kind: "mention",
      title: "Late mention",
      dedupeKey: "late-1",
    });
    expect((await deliverChat()).filter((c) => c.args.text === "Late mention")).toHaveLength(0);
    t.clock.set("2026-03-10T07:00:00Z");
    expect(
      (await deliverChat()).filter((c) => c.args.text === "Late mention" && c.args.channel === "UBEA"),
    ).toHaveLength(1);
  });
});
