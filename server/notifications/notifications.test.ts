import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { mailOutbox } from "../mail/schema.ts";
import { definePlugin, type PluginServices } from "../plugin-api.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { notifications } from "./schema.ts";

const assetDir = mkdtempSync(join(tmpdir(), "dt-asset-"));
writeFileSync(join(assetDir, "probe.css"), ".probe-box { color: teal; }");
let services: PluginServices | undefined;

const probe = definePlugin({
  id: "probe",
  name: "Probe",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  assets: { stylesheet: join(assetDir, "probe.css") },
  setup(api) {
    api.job({
      id: "capture",
      schedule: "0 0 1 1 *",
      scope: "local",
      async run(s) {
        services = s;
      },
    });
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ pluginModules: [probe] });
  await t.ctx.scheduler.runNow("probe.capture");
});
afterAll(async () => {
  await t.close();
  rmSync(assetDir, { recursive: true, force: true });
});

describe("notifications", () => {
  it("notifies a person once per dedupe key, in the portal and by email, and marks them read", async () => {
    const s = services as PluginServices;
    const member = await t.signedIn("member");
    const note = {
      personId: member.person.id,
      title: "An ask is waiting on you",
      link: "/sla",
      dedupeKey: "ask-1",
      email: true,
    };
    expect(await s.notify(s.db, note)).toBe(true);
    expect(await s.notify(s.db, note)).toBe(false);
    expect(
      await t.ctx.db.select().from(notifications).where(eq(notifications.personId, member.person.id)),
    ).toHaveLength(1);
    expect(await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, member.person.email))).toHaveLength(1);
    expect(await (await member.get("/")).text()).toContain("1 unread notification");
    const list = await (await member.get("/notifications")).text();
    expect(list).toContain("An ask is waiting on you");
    expect((await member.post("/notifications/read-all")).status).toBe(303);
    expect(await (await member.get("/")).text()).not.toContain("unread notification");
  });

  it("shows nobody else's notifications", async () => {
    const s = services as PluginServices;
    const alice = await t.signedIn("member");
    const bob = await t.signedIn("member");
    await s.notify(s.db, { personId: alice.person.id, title: "For Alice only" });
    expect(await (await bob.get("/notifications")).text()).not.toContain("For Alice only");
    const [row] = await t.ctx.db.select().from(notifications).where(eq(notifications.personId, alice.person.id));
    expect((await bob.post(`/notifications/${row?.id}/read`)).status).toBe(404);
  });
});

describe("sealed secrets", () => {
  it("round-trips, uses a fresh IV each time, and refuses tampering", async () => {
    const s = services as PluginServices;
    const url = "https://calendar.example/private-abc123/basic.ics";
    const a = await s.seal(url);
    const b = await s.seal(url);
    expect(a).not.toBe(b);
    expect(a).not.toContain("abc123");
    expect(await s.unseal(a)).toBe(url);
    expect(await s.unseal(`${a.slice(0, -2)}xx`)).toBeNull();
  });
});

describe("plugin assets", () => {
  it("serves a plugin stylesheet at a versioned URL and links it from every page", async () => {
    const member = await t.signedIn("member");
    const html = await (await member.get("/")).text();
    const href = /href="(\/assets\/probe-[0-9a-f]+\.css)"/.exec(html)?.[1];
    expect(href).toBeDefined();
    const css = await member.get(href as string);
    expect(await css.text()).toContain(".probe-box");
    expect(css.headers.get("Cache-Control")).toContain("immutable");
  });
});

describe("notifyMany", () => {
  it("notifies many people in one batch, skips duplicate keys, and emails only those who asked for it", async () => {
    const s = services as PluginServices;
    const a = await t.person();
    const b = await t.person();
    const list = [
      { personId: a.id, title: "Batch one", dedupeKey: "batch-a", email: true },
      { personId: b.id, title: "Batch two", dedupeKey: "batch-b" },
    ];
    expect(await s.notifyMany(s.db, list)).toBe(2);
    expect(await s.notifyMany(s.db, list)).toBe(0);
    expect(await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, a.email))).toHaveLength(1);
    expect(await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, b.email))).toHaveLength(0);
    expect(await t.ctx.db.select().from(notifications).where(eq(notifications.personId, b.id))).toHaveLength(1);
  });
});

describe("notifyMany without dedupe keys", () => {
  it("emails only the people whose notification asked for email", async () => {
    const s = services as PluginServices;
    const wantsMail = await t.person();
    const inAppOnly = await t.person();
    await s.notifyMany(s.db, [
      { personId: wantsMail.id, title: "Keyless with mail", email: true },
      { personId: inAppOnly.id, title: "Keyless in-app only" },
    ]);
    expect(await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, wantsMail.email))).toHaveLength(1);
    expect(await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, inAppOnly.email))).toHaveLength(0);
  });
});

describe("notification kinds", () => {
  it("lets the person's channels for the kind decide email, whatever the caller's email flag says", async () => {
    const s = services as PluginServices;
    const person = await t.person();
    expect(await s.notify(s.db, { personId: person.id, title: "Asked", kind: "ask", dedupeKey: "kind-ask" })).toBe(
      true,
    );
    expect(
      await s.notify(s.db, {
        personId: person.id,
        title: "Mentioned",
        kind: "mention",
        email: false,
        dedupeKey: "kind-m",
      }),
    ).toBe(true);
    const mails = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, person.email));
    expect(mails.map((m) => m.subject).sort()).toEqual(["Asked", "Mentioned"]);
    expect(mails.map((m) => m.dedupeKey).sort()).toEqual(["notify:kind-ask", "notify:kind-m"]);
  });
});
