import { afterAll, describe, expect, it } from "bun:test";
import { registerDevice } from "../../plugins/activity/devices.ts";
import { changedTables, snapshotTables } from "../testing/snapshot.ts";
import { type TestClient, testApp } from "../testing/test-app.ts";

// Text no column can hold — a NUL byte, a lone surrogate, bytes that are not UTF-8 — is
// refused once, centrally, with a 422 naming the field, wherever it arrives.

const t = await testApp({ plugins: "*" });
afterAll(() => t.close());
const owner = await t.signedIn("owner");
const colleague = await t.person();

const NUL = "\u0000";
const LONE = "\ud800";

function json(client: TestClient, path: string, body: string, headers: Record<string, string> = {}) {
  return client.request(path, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });
}

function urlencoded(client: TestClient, path: string, body: string) {
  return client.request(path, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
}

async function expectRefused(field: string, send: () => Promise<Response>): Promise<void> {
  const before = await snapshotTables(t.ctx.db);
  const res = await send();
  const text = await res.text();
  const changed = changedTables(before, await snapshotTables(t.ctx.db)).filter((x) => x !== "public.sessions");
  expect({ status: res.status, named: text.includes(field), changed }).toEqual({
    status: 422,
    named: true,
    changed: [],
  });
}

describe("forms", () => {
  it("refuses a NUL byte in a kudos message", async () => {
    await expectRefused("message", () => owner.post("/kudos", { toId: colleague.id, message: `thanks${NUL}` }));
  });

  it("refuses a NUL byte in a decision title", async () => {
    await expectRefused("title", () =>
      owner.post("/briefs/decisions", {
        title: `Ship it${NUL}`,
        decidedBy: "Ann",
        decidedOn: "2026-03-02",
        rationale: "Because.",
      }),
    );
  });

  it("refuses a NUL byte in an out-of-office note", async () => {
    await expectRefused("note", () =>
      owner.post("/profile/ooo", { startsAt: "2026-03-10T09:00", endsAt: "2026-03-11T17:00", note: `away${NUL}` }),
    );
  });

  it("refuses a NUL byte in an API token name", async () => {
    await expectRefused("name", () => owner.post("/profile/tokens", { name: `laptop${NUL}`, scopes: "read" }));
  });

  it("refuses a profile name that is not UTF-8 (a percent-encoded surrogate half)", async () => {
    await expectRefused("name", () => urlencoded(owner, "/profile", "name=%ED%A0%80x&timeZone=UTC"));
  });

  it("refuses a NUL byte in a multipart field and in an uploaded calendar", async () => {
    await expectRefused("message", () => {
      const body = new FormData();
      body.set("toId", colleague.id);
      body.set("message", `thanks${NUL}`);
      return owner.request("/kudos", { method: "POST", body });
    });
    await expectRefused("files", () => {
      const body = new FormData();
      body.set("target", "");
      const ics = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Sync${NUL}\r\nDTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
      body.set("files", new File([ics], "team.ics", { type: "text/calendar" }));
      return owner.request("/calendar-audit/upload", { method: "POST", body });
    });
  });
});

describe("query strings", () => {
  it("refuses a NUL byte in a search", async () => {
    await expectRefused("q", () => owner.get("/status-updates/search?q=a%00b"));
  });

  it("refuses invalid UTF-8 in a search", async () => {
    await expectRefused("q", () => owner.get("/status-updates/search?q=%FF"));
  });

  it("still answers ordinary searches, with + and malformed escapes kept literal", async () => {
    expect((await owner.get("/status-updates/search?q=a+b%zz")).status).toBe(200);
  });
});

describe("JSON bodies", () => {
  it("refuses a lone surrogate in an activity event's app, naming it", async () => {
    const device = await registerDevice(t.ctx.db, { personId: owner.person.id, name: "laptop", at: t.clock.now() });
    const event = { id: "e1", start: "2026-03-02T08:00:00Z", duration: 60, app: `Editor${LONE}`, afk: false };
    const body = `{"events":[${JSON.stringify(event).replace(JSON.stringify(`Editor${LONE}`), '"Editor\\ud800"')}]}`;
    await expectRefused("events.0.app", () =>
      json(t.client(), "/api/activity/events", body, { Authorization: `Bearer ${device.token}` }),
    );
  });

  it("refuses a NUL in a JSON form body and in a JSON key", async () => {
    await expectRefused("message", () => json(owner, "/kudos", JSON.stringify({ toId: colleague.id, message: NUL })));
    await expectRefused("a field name", () => json(owner, "/kudos", `{"to\\u0000Id": "x"}`));
  });

  it("lets well-formed text through: emoji, right-to-left text and tabs are fine", async () => {
    const res = await owner.post("/kudos", { toId: colleague.id, message: "Thanks 🎉 שלום\tfor the review" });
    expect(res.status).toBe(303);
  });
});
