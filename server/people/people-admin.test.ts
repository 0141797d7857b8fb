import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { sessions } from "../auth/schema.ts";
import type { Db } from "../db/index.ts";
import { auditLog } from "../org/schema.ts";
import type { TestApp } from "../testing/test-app.ts";
import { testApp } from "../testing/test-app.ts";
import { findPerson, type Person } from "./people.ts";
import { listPeople } from "./people-admin.ts";
import { people, teamMembers, teams } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

/** A valid edit form for `person`, with `changes` on top. */
function editForm(person: Person, changes: Record<string, string> = {}): Record<string, string> {
  return {
    name: person.name,
    email: person.email,
    role: person.role,
    timeZone: person.timeZone,
    status: person.status,
    startDate: person.startDate ?? "",
    "hours.mon.on": "on",
    "hours.mon.start": "09:00",
    "hours.mon.end": "17:00",
    ...changes,
  };
}

/** Counts the statements the database driver runs while `run` executes. */
async function countQueries(db: Db, run: () => Promise<unknown>): Promise<number> {
  const client = (db as unknown as { $client: Record<string, unknown> }).$client;
  const method = typeof client.unsafe === "function" ? "unsafe" : "query";
  const original = client[method] as (...args: unknown[]) => unknown;
  let count = 0;
  client[method] = function counted(this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    client[method] = original;
  }
  return count;
}

async function makeTeam(name: string, memberIds: string[]): Promise<string> {
  const [team] = await t.ctx.db.insert(teams).values({ name, timeZone: "UTC" }).returning();
  const id = (team as { id: string }).id;
  if (memberIds.length)
    await t.ctx.db.insert(teamMembers).values(memberIds.map((personId) => ({ teamId: id, personId })));
  return id;
}

describe("the people list", () => {
  it("shows name, email, role, time zone, teams and status, active people first", async () => {
    const admin = await t.signedIn("admin");
    const zed = await t.person({ name: "Zed Active", timeZone: "Asia/Tokyo" });
    const gone = await t.person({ name: "Aaron Gone" });
    await t.ctx.db.update(people).set({ status: "deactivated" }).where(eq(people.id, gone.id));
    await makeTeam("Listing Alpha", [zed.id]);
    await makeTeam("Listing Beta", [zed.id]);

    const all = await (await admin.get("/admin/people?status=all")).text();
    expect(all).toContain("Zed Active");
    expect(all).toContain(zed.email);
    expect(all).toContain("Asia/Tokyo");
    expect(all).toContain("Listing Alpha, Listing Beta");
    expect(all.indexOf("Zed Active")).toBeLessThan(all.indexOf("Aaron Gone"));

    const active = await (await admin.get("/admin/people")).text();
    expect(active).toContain("Zed Active");
    expect(active).not.toContain("Aaron Gone");

    const deactivated = await (await admin.get("/admin/people?status=deactivated")).text();
    expect(deactivated).toContain("Aaron Gone");
    expect(deactivated).not.toContain("Zed Active");
  });

  it("lists 50 people with their teams in one query, and the page costs no more queries for 50 than for 5", async () => {
    const fresh = await testApp();
    try {
      const admin = await fresh.signedIn("admin");
      const firstFive = await Promise.all(
        Array.from({ length: 4 }, (_, i) => fresh.person({ name: `Early ${i}`, password: null })),
      );
      const [team] = await fresh.ctx.db.insert(teams).values({ name: "Everyone", timeZone: "UTC" }).returning();
      const teamId = (team as { id: string }).id;
      await fresh.ctx.db.insert(teamMembers).values(firstFive.map((p) => ({ teamId, personId: p.id })));
      const pageQueriesForFive = await countQueries(fresh.ctx.db, () => admin.get("/admin/people"));

      const more = await Promise.all(
        Array.from({ length: 45 }, (_, i) => fresh.person({ name: `Later ${i}`, password: null })),
      );
      await fresh.ctx.db.insert(teamMembers).values(more.map((p) => ({ teamId, personId: p.id })));

      let rows: Awaited<ReturnType<typeof listPeople>>["people"] = [];
      const listQueries = await countQueries(fresh.ctx.db, async () => {
        rows = (await listPeople(fresh.ctx.db, "active")).people;
      });
      expect(listQueries).toBe(1);
      expect(rows).toHaveLength(50);
      expect(rows.filter((r) => r.teamNames.includes("Everyone"))).toHaveLength(49);

      let html = "";
      const pageQueriesForFifty = await countQueries(fresh.ctx.db, async () => {
        html = await (await admin.get("/admin/people")).text();
      });
      expect(pageQueriesForFifty).toBe(pageQueriesForFive);
      expect(html).toContain("Later 44");
    } finally {
      await fresh.close();
    }
  }, 30_000);

  it("shows a hundred people a page, with links to the next and previous pages", async () => {
    const fresh = await testApp();
    try {
      const admin = await fresh.signedIn("admin");
      await fresh.ctx.db.insert(people).values(
        Array.from({ length: 120 }, (_, i) => ({
          email: `p${String(i).padStart(3, "0")}@example.com`,
          name: `Person ${String(i).padStart(3, "0")}`,
          timeZone: "UTC",
          workingHours: {},
        })),
      );
      const first = await (await admin.get("/admin/people")).text();
      expect(first.match(/href="\/admin\/people\/[0-9a-f-]{36}"/g)).toHaveLength(100);
      expect(first).toContain('href="/admin/people?status=active&amp;page=2">Next</a>');
      expect(first).not.toContain(">Previous</a>");
      const second = await (await admin.get("/admin/people?status=active&page=2")).text();
      // 120 seeded and the admin: 21 on the second page.
      expect(second.match(/href="\/admin\/people\/[0-9a-f-]{36}"/g)).toHaveLength(21);
      expect(second).toContain(">Previous</a>");
      expect(second).not.toContain(">Next</a>");
      expect((await admin.get("/admin/people?page=nonsense")).status).toBe(200);
    } finally {
      await fresh.close();
    }
  }, 30_000);

  it("says so when nobody is deactivated", async () => {
    const fresh = await testApp();
    try {
      const admin = await fresh.signedIn("admin");
      const html = await (await admin.get("/admin/people?status=deactivated")).text();
      expect(html).toContain("Nobody is deactivated.");
    } finally {
      await fresh.close();
    }
  });
});

describe("who may administer people", () => {
  it("turns members and managers away from every people admin route with 403", async () => {
    const target = await t.person();
    for (const role of ["member", "manager"] as const) {
      const browser = await t.signedIn(role);
      expect((await browser.get("/admin/people")).status).toBe(403);
      expect((await browser.get(`/admin/people/${target.id}`)).status).toBe(403);
      expect((await browser.post(`/admin/people/${target.id}`, editForm(target, { name: "Hacked" }))).status).toBe(403);
      expect((await browser.post(`/admin/people/${target.id}/ooo`, {})).status).toBe(403);
    }
    expect((await findPerson(t.ctx.db, target.id))?.name).toBe(target.name);
  });

  it("answers 404 for an id that is not a uuid or not a person", async () => {
    const admin = await t.signedIn("admin");
    expect((await admin.get("/admin/people/not-a-uuid")).status).toBe(404);
    expect((await admin.get("/admin/people/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });
});

describe("editing a person", () => {
  it("shows the form with a time-zone list and a working-hours grid", async () => {
    const admin = await t.signedIn("admin");
    const person = await t.person({ name: "Form Shown", timeZone: "Europe/Berlin" });
    const html = await (await admin.get(`/admin/people/${person.id}`)).text();
    expect(html).toContain('value="Form Shown"');
    expect(html).toContain('<datalist id="time-zones">');
    expect(html).toContain('<option value="America/New_York">');
    expect(html).toContain('class="hours-grid"');
    expect(html).toContain('name="hours.mon.on" value="on" checked');
  });

  it("saves name, email, role, time zone, working hours, start date and status, and audits the change", async () => {
    const admin = await t.signedIn("admin");
    const person = await t.person({ name: "Before Edit" });
    const res = await admin.post(
      `/admin/people/${person.id}`,
      editForm(person, {
        name: "After Edit",
        email: "After.Edit@Example.com",
        role: "manager",
        timeZone: "America/Sao_Paulo",
        startDate: "2025-10-01",
        "hours.tue.on": "on",
        "hours.tue.start": "08:00",
        "hours.tue.end": "12:30",
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/people/${person.id}`);
    const saved = await findPerson(t.ctx.db, person.id);
    expect(saved).toMatchObject({
      name: "After Edit",
      email: "after.edit@example.com",
      role: "manager",
      timeZone: "America/Sao_Paulo",
      startDate: "2025-10-01",
      status: "active",
    });
    expect(saved?.workingHours).toEqual({ mon: [["09:00", "17:00"]], tue: [["08:00", "12:30"]] });
    const [entry] = await t.ctx.db.select().from(auditLog).where(eq(auditLog.target, person.id));
    expect(entry).toMatchObject({ actorId: admin.person.id, action: "person.updated" });
    expect([...((entry?.details.changed ?? []) as string[])].sort()).toEqual([
      "email",
      "name",
      "role",
      "startDate",
      "timeZone",
      "workingHours",
    ]);
  });

  it("refuses an unknown time zone with 422 beside the field and writes nothing", async () => {
    const admin = await t.signedIn("admin");
    const person = await t.person({ name: "Zone Check" });
    const res = await admin.post(
      `/admin/people/${person.id}`,
      editForm(person, { name: "Renamed", timeZone: "Mars/Base" }),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Choose a time zone from the list");
    expect(html).toContain('value="Mars/Base"');
    expect(await findPerson(t.ctx.db, person.id)).toEqual(person);
  });

  it("refuses working hours that end before they start with 422, naming the day, and writes nothing", async () => {
    const admin = await t.signedIn("admin");
    const person = await t.person();
    const res = await admin.post(
      `/admin/people/${person.id}`,
      editForm(person, { name: "Renamed", "hours.wed.on": "on", "hours.wed.start": "18:00", "hours.wed.end": "09:00" }),
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Wednesday: the end must be after the start.");
    expect(await findPerson(t.ctx.db, person.id)).toEqual(person);
  });

  it("refuses an email another person uses with 422 on the email field", async () => {
    const admin = await t.signedIn("admin");
    const taken = await t.person();
    const person = await t.person();
    const res = await admin.post(`/admin/people/${person.id}`, editForm(person, { email: taken.email.toUpperCase() }));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Another person already uses this email address.");
    expect((await findPerson(t.ctx.db, person.id))?.email).toBe(person.email);
  });
});

describe("role rules", () => {
  it("lets only an owner edit an owner", async () => {
    const admin = await t.signedIn("admin");
    const owner = await t.person({ role: "owner" });
    const page = await (await admin.get(`/admin/people/${owner.id}`)).text();
    expect(page).toContain("Only an owner can edit an owner.");
    const res = await admin.post(`/admin/people/${owner.id}`, editForm(owner, { name: "Renamed by admin" }));
    expect(res.status).toBe(403);
    expect((await findPerson(t.ctx.db, owner.id))?.name).toBe(owner.name);
  });

  it("lets only an owner make someone an owner", async () => {
    const admin = await t.signedIn("admin");
    const person = await t.person();
    expect((await admin.post(`/admin/people/${person.id}`, editForm(person, { role: "owner" }))).status).toBe(403);
    expect((await findPerson(t.ctx.db, person.id))?.role).toBe("member");

    const owner = await t.signedIn("owner");
    expect((await owner.post(`/admin/people/${person.id}`, editForm(person, { role: "owner" }))).status).toBe(303);
    expect((await findPerson(t.ctx.db, person.id))?.role).toBe("owner");
  });

  it("does not let an admin change their own role", async () => {
    const admin = await t.signedIn("admin");
    const res = await admin.post(`/admin/people/${admin.person.id}`, editForm(admin.person, { role: "member" }));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("You cannot change your own role");
    expect((await findPerson(t.ctx.db, admin.person.id))?.role).toBe("admin");
  });

  it("lets an owner step down while another active owner remains", async () => {
    const owner = await t.signedIn("owner");
    await t.person({ role: "owner" });
    const res = await owner.post(`/admin/people/${owner.person.id}`, editForm(owner.person, { role: "admin" }));
    expect(res.status).toBe(303);
    expect((await findPerson(t.ctx.db, owner.person.id))?.role).toBe("admin");
  });

  it("keeps the last active owner: demoting or deactivating them is a 409 that says why, and nothing changes", async () => {
    const fresh = await testApp();
    try {
      const owner = await fresh.signedIn("owner");
      // A deactivated owner does not count.
      const former = await fresh.person({ role: "owner" });
      await fresh.ctx.db.update(people).set({ status: "deactivated" }).where(eq(people.id, former.id));
      const before = await fresh.ctx.db.$count(auditLog);

      const demote = await owner.post(`/admin/people/${owner.person.id}`, editForm(owner.person, { role: "admin" }));
      expect(demote.status).toBe(409);
      expect(await demote.text()).toContain("is the last active owner. Make someone else an owner");

      const deactivate = await owner.post(
        `/admin/people/${owner.person.id}`,
        editForm(owner.person, { status: "deactivated" }),
      );
      expect(deactivate.status).toBe(409);

      expect(await findPerson(fresh.ctx.db, owner.person.id)).toEqual(owner.person);
      expect(await fresh.ctx.db.$count(auditLog)).toBe(before);
    } finally {
      await fresh.close();
    }
  });

  it("does not let anyone deactivate their own account", async () => {
    const admin = await t.signedIn("admin");
    const res = await admin.post(`/admin/people/${admin.person.id}`, editForm(admin.person, { status: "deactivated" }));
    expect(res.status).toBe(403);
    expect((await findPerson(t.ctx.db, admin.person.id))?.status).toBe("active");
  });
});

describe("deactivating a person", () => {
  it("signs them out at once on every device and keeps them off the active list", async () => {
    const admin = await t.signedIn("admin");
    const person = await t.person({ name: "Leaving Soon" });
    const laptop = await t.signedIn(person);
    const phone = await t.signedIn(person);
    expect((await laptop.get("/")).status).toBe(200);

    const res = await admin.post(`/admin/people/${person.id}`, editForm(person, { status: "deactivated" }));
    expect(res.status).toBe(303);

    expect(await t.ctx.db.$count(sessions, eq(sessions.personId, person.id))).toBe(0);
    expect((await laptop.get("/")).status).toBe(303);
    expect((await phone.get("/")).status).toBe(303);
    expect(await (await admin.get("/admin/people")).text()).not.toContain(`/admin/people/${person.id}"`);
    const [entry] = await t.ctx.db.select().from(auditLog).where(eq(auditLog.target, person.id));
    expect(entry).toMatchObject({ action: "person.deactivated", details: { sessionsEnded: 2 } });
  });
});
