import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { formatInstant } from "../../../views/format.ts";
import type { Person } from "../../people/people.ts";
import { teamMembers, teams } from "../../people/schema.ts";
import { type TestApp, testApp } from "../../testing/test-app.ts";
import { runOutboundDelivery } from "../delivery-run.ts";
import { chatConnections, outboundDeliveries } from "../schema.ts";
import { queueChatPosts } from "./posts.ts";

interface Received {
  path: string;
  body: unknown;
}

/** One real receiver on 127.0.0.1 standing in for all three services; the path says which. */
function startReceiver(received: Received[], port = 0): ReturnType<typeof Bun.serve> {
  return Bun.serve({
    hostname: "127.0.0.1",
    port,
    async fetch(req) {
      received.push({ path: new URL(req.url).pathname, body: await req.json() });
      // Teams' Workflows answer 202, Mattermost "ok", Google Chat the created message.
      return new Response("ok", { status: req.url.includes("teams") ? 202 : 200 });
    },
  });
}

let t: TestApp;
let receiver: ReturnType<typeof Bun.serve>;
const received: Received[] = [];
let teamId = "";
let manager: Awaited<ReturnType<TestApp["signedIn"]>>;
let writer: Person;
let quiet: Person;

beforeAll(async () => {
  // Friday 2026-03-06 10:00 UTC: the due day (updates due 15:00 team time), after 09:00.
  t = await testApp({ plugins: ["status-updates"], now: "2026-03-06T10:00:00Z" });
  receiver = startReceiver(received);
  manager = await t.signedIn("member");
  writer = await t.person({ email: "ada.lovelace@example.com", name: "Ada Lovelace" });
  quiet = await t.person({ email: "grace@example.com", name: "Grace Hopper" });
  const [team] = await t.ctx.db.insert(teams).values({ name: "Platform", timeZone: "UTC" }).returning();
  teamId = team?.id ?? "";
  await t.ctx.db.insert(teamMembers).values([
    { teamId, personId: manager.person.id, isManager: true },
    { teamId, personId: writer.id },
    { teamId, personId: quiet.id },
  ]);
});
afterAll(async () => {
  receiver.stop(true);
  await t.close();
});

const hook = (service: string): string => `http://127.0.0.1:${receiver.port}/${service}-hook/SECRETPART?key=k1`;

async function deliverAll(): Promise<void> {
  await runOutboundDelivery(
    { db: t.ctx.db, signers: t.ctx.outboundSigners, baseUrl: t.config.baseUrl, timeoutMs: 2_000 },
    t.clock.now(),
  );
}

describe("team chat channels", () => {
  it("lets the team's manager add channels whose webhook URLs are stored sealed and never shown", async () => {
    for (const service of ["teams", "mattermost", "google-chat"]) {
      const res = await manager.post(`/teams/${teamId}/chat`, {
        service,
        label: `#platform-${service}`,
        url: hook(service),
        postBottomLines: "on",
        postReminders: "on",
        ...(service === "mattermost" ? { slashToken: "mm-token-123" } : {}),
      });
      expect(res.status).toBe(303);
    }
    const html = await (await manager.get(`/teams/${teamId}/chat`)).text();
    expect(html).toContain("#platform-teams");
    expect(html).not.toContain("SECRETPART");
    expect(html).toContain(`http://127.0.0.1:${receiver.port}/…y=k1`);
    const rows = await t.ctx.db.select().from(chatConnections);
    expect(rows.length).toBe(3);
    for (const row of rows) expect(row.urlSealed).not.toContain("SECRETPART");
    expect(rows.find((r) => r.service === "mattermost")?.slashTokenHash).not.toContain("mm-token");

    // A team member who is not its manager may look but not change; another person may not look.
    const member = await t.signedIn(writer);
    expect((await member.get(`/teams/${teamId}/chat`)).status).toBe(200);
    expect((await member.post(`/teams/${teamId}/chat`, { service: "teams", url: hook("teams") })).status).toBe(403);
    const outsider = await t.signedIn("member");
    expect((await outsider.get(`/teams/${teamId}/chat`)).status).toBe(403);
    // Bad input: a clear 422 and nothing stored.
    const bad = await manager.post(`/teams/${teamId}/chat`, { service: "irc", url: "javascript:alert(1)" });
    expect(bad.status).toBe(422);
    expect((await t.ctx.db.select().from(chatConnections)).length).toBe(3);
  });

  it("posts the due-day reminder once to each service in its documented payload shape", async () => {
    const author = await t.signedIn(writer);
    expect(
      (await author.post("/status-updates/updates", { teamId, "q-bottom-line": "Search < 2 s & ships on monday_v2." }))
        .status,
    ).toBe(303);
    expect(await queueChatPosts(t.ctx, t.clock.now())).toEqual({ reminders: 3, bottomLines: 0 });
    expect(await queueChatPosts(t.ctx, t.clock.now())).toEqual({ reminders: 0, bottomLines: 0 });
    await deliverAll();
    const due = formatInstant(new Date("2026-03-06T15:00:00Z"), "UTC");
    const title = `Platform: updates are due ${due}`;
    const summary = "1 of 3 written so far for the week of 2 Mar 2026. Bottom line first, then your ask.";
    const write = `${t.config.baseUrl}/status-updates/write?team=${teamId}`;
    const byPath = new Map(received.map((r) => [r.path.split("-hook")[0], r.body]));
    expect(received.length).toBe(3);
    expect(byPath.get("/teams")).toEqual({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          contentUrl: null,
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
            body: [
              { type: "TextBlock", text: title, weight: "Bolder", size: "Medium", wrap: true },
              { type: "TextBlock", text: summary, wrap: true },
            ],
            actions: [{ type: "Action.OpenUrl", title: "Write your update", url: write }],
          },
        },
      ],
    });
    expect(byPath.get("/mattermost")).toEqual({
      text: `#### ${title}\n${summary}`,
      attachments: [
        {
          fallback: `${title}: ${summary} ${write}`,
          color: "#1d4ed8",
          title: "Write your update",
          title_link: write,
          text: "",
        },
      ],
    });
    const chat = byPath.get("/google-chat") as { cardsV2: { cardId: string; card: unknown }[] };
    expect(chat.cardsV2.length).toBe(1);
    expect(chat.cardsV2[0]?.cardId).toMatch(/^[A-Za-z0-9-]+$/);
    expect(chat.cardsV2[0]?.card).toEqual({
      header: { title, subtitle: "DeskTrust" },
      sections: [
        {
          widgets: [
            { textParagraph: { text: summary } },
            { buttonList: { buttons: [{ text: "Write your update", onClick: { openLink: { url: write } } }] } },
          ],
        },
      ],
    });
  });

  it("posts last week's bottom lines on Monday morning, waiting out a chat service that is down", async () => {
    received.length = 0;
    const port = receiver.port as number;
    receiver.stop(true);
    t.clock.set("2026-03-09T09:30:00Z");
    expect(await queueChatPosts(t.ctx, t.clock.now())).toEqual({ reminders: 0, bottomLines: 3 });
    await deliverAll();
    expect(received.length).toBe(0);
    const waiting = await t.ctx.db
      .select()
      .from(outboundDeliveries)
      .where(eq(outboundDeliveries.eventType, "updates.bottom-lines"));
    expect(waiting.map((d) => d.status)).toEqual(["queued", "queued", "queued"]);
    // The stored request names the URL's hint only.
    for (const d of waiting) expect(d.url).not.toContain("SECRETPART");

    receiver = startReceiver(received, port);
    t.clock.advance(5 * 60_000);
    await deliverAll();
    t.clock.advance(60 * 60_000);
    await deliverAll();
    expect(await queueChatPosts(t.ctx, t.clock.now())).toEqual({ reminders: 0, bottomLines: 0 });
    expect(received.length).toBe(3);
    const update = `${t.config.baseUrl}/status-updates/updates/`;
    const mattermost = received.find((r) => r.path.startsWith("/mattermost"))?.body as {
      text: string;
      attachments: { text: string }[];
    };
    expect(mattermost.text).toBe("#### Platform: bottom lines, week of 2 Mar 2026\n1 of 3 wrote an update.");
    expect(mattermost.attachments[0]?.text).toMatch(
      new RegExp(
        `^- \\*\\*Ada Lovelace\\*\\*: Search \\\\< 2 s & ships on monday\\\\_v2\\. \\[Open\\]\\(${update.replaceAll(".", "\\.")}[0-9a-f-]{36}\\)$`,
      ),
    );
    const teamsCard = received.find((r) => r.path.startsWith("/teams"))?.body as {
      attachments: { content: { body: { text: string }[] } }[];
    };
    expect(teamsCard.attachments[0]?.content.body[2]?.text).toStartWith(
      "**Ada Lovelace**: Search < 2 s & ships on monday_v2. [Open](",
    );
    const chat = received.find((r) => r.path.startsWith("/google"))?.body as {
      cardsV2: { card: { sections: { widgets: { textParagraph?: { text: string } }[] }[] } }[];
    };
    expect(chat.cardsV2[0]?.card.sections[0]?.widgets[1]?.textParagraph?.text).toStartWith(
      "<b>Ada Lovelace</b>: Search &lt; 2 s &amp; ships on monday_v2. <a href=",
    );
  });

  it("answers /desktrust update from Mattermost for the matching team member, and refuses a wrong token", async () => {
    const command = (fields: Record<string, string>): Promise<Response> =>
      t.client().request("/integrations/mattermost/command", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ command: "/desktrust", team_domain: "acme", channel_name: "platform", ...fields }),
      });
    const ada = await command({ token: "mm-token-123", user_name: "ada.lovelace", text: "update" });
    expect(ada.status).toBe(200);
    const answer = (await ada.json()) as { response_type: string; text: string };
    expect(answer.response_type).toBe("ephemeral");
    expect(answer.text).toContain("You have not written your update for the week of 9 Mar 2026 yet");
    expect(answer.text).toContain(`${t.config.baseUrl}/status-updates/write?team=${teamId}`);
    const stranger = await command({ token: "mm-token-123", user_name: "nobody", text: "" });
    expect(((await stranger.json()) as { text: string }).text).toContain("No member of Platform");
    const wrong = await command({ token: "guess", user_name: "ada.lovelace", text: "update" });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { response_type: string }).response_type).toBe("ephemeral");
  });
});
