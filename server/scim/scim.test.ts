import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { createApiToken } from "../auth/api-tokens.ts";
import { apiTokens, sessions } from "../auth/schema.ts";
import { createSession } from "../auth/session.ts";
import { auditLog } from "../org/schema.ts";
import { findPersonByEmail } from "../people/people.ts";
import { people, teamMembers, teams } from "../people/schema.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";

// Replays what Microsoft Entra ID and Okta send, taken from their published SCIM guides:
// https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
// https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await testApp();
  const admin = await t.signedIn("admin");
  const created = await admin.post("/admin/scim/tokens", { name: "Directory" });
  expect(created.status).toBe(201);
  token = /id="new-token"[^>]*value="([^"]+)"/.exec(await created.text())?.[1] ?? "";
  expect(token).toStartWith("dtscim_");
});
afterAll(() => t.close());

async function scim(
  method: string,
  path: string,
  body?: unknown,
  bearer = token,
): Promise<{ status: number; json: ScimJson; res: Response }> {
  const res = await t.app.request(`http://localhost:3000/scim/v2${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${bearer}`,
      Accept: "application/scim+json",
      ...(body === undefined ? {} : { "Content-Type": "application/scim+json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, res };
}

// Responses are read field by field in the assertions below.
// biome-ignore lint/suspicious/noExplicitAny: a SCIM response body, checked by the expectations
type ScimJson = any;

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

describe("the SCIM token", () => {
  it("is required, and a wrong or revoked one is refused with a SCIM error", async () => {
    const none = await t.app.request("http://localhost:3000/scim/v2/Users");
    expect(none.status).toBe(401);
    expect(none.headers.get("WWW-Authenticate")).toContain("Bearer");
    const wrong = await scim("GET", "/Users", undefined, "dtscim_nope");
    expect(wrong.status).toBe(401);
    expect(wrong.json.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
    expect(wrong.res.headers.get("Content-Type")).toStartWith("application/scim+json");
  });

  it("is stored hashed, and revoking it locks the directory out", async () => {
    const admin = await t.signedIn("admin");
    const created = await admin.post("/admin/scim/tokens", { name: "Short-lived" });
    const plain = /id="new-token"[^>]*value="([^"]+)"/.exec(await created.text())?.[1] ?? "";
    const html = await (await admin.get("/admin/scim")).text();
    expect(html).not.toContain(plain);
    expect((await scim("GET", "/ServiceProviderConfig", undefined, plain)).status).toBe(200);
    const id = /\/admin\/scim\/tokens\/([0-9a-f-]{36})\/revoke/.exec(
      html.slice(html.indexOf("<strong>Short-lived</strong>")),
    )?.[1];
    expect((await admin.post(`/admin/scim/tokens/${id}/revoke`)).status).toBe(303);
    expect((await scim("GET", "/ServiceProviderConfig", undefined, plain)).status).toBe(401);
    const actions = (await t.ctx.db.select().from(auditLog)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["scim.token-created", "scim.token-revoked"]));
  });
});

describe("discovery", () => {
  it("describes itself: ServiceProviderConfig, ResourceTypes, Schemas", async () => {
    const config = await scim("GET", "/ServiceProviderConfig");
    expect(config.json.patch.supported).toBe(true);
    expect(config.json.filter.supported).toBe(true);
    const types = await scim("GET", "/ResourceTypes");
    expect(types.json.Resources.map((r: { id: string }) => r.id)).toEqual(["User", "Group"]);
    const schemas = await scim("GET", "/Schemas");
    expect(schemas.json.totalResults).toBe(2);
    const user = await scim("GET", `/Schemas/${USER}`);
    expect(user.json.attributes.map((a: { name: string }) => a.name)).toContain("userName");
  });
});

describe("Microsoft Entra ID", () => {
  let userId = "";
  let groupId = "";

  it("finds nobody for an unknown userName (the connection test), then creates the user", async () => {
    const probe = await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "ryan@example.com"')}`);
    expect(probe.status).toBe(200);
    expect(probe.json.totalResults).toBe(0);
    const created = await scim("POST", "/Users", {
      schemas: [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName: "ryan@example.com",
      active: true,
      emails: [{ primary: true, type: "work", value: "ryan@example.com" }],
      meta: { resourceType: "User" },
      name: { formatted: "Ryan Leenay", familyName: "Leenay", givenName: "Ryan" },
      roles: [],
    });
    expect(created.status).toBe(201);
    expect(created.json.userName).toBe("ryan@example.com");
    expect(created.json.externalId).toBe("0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef");
    expect(created.json.active).toBe(true);
    userId = created.json.id;
    const person = await findPersonByEmail(t.ctx.db, "ryan@example.com");
    expect(person?.name).toBe("Ryan Leenay");
    expect(person?.role).toBe("member");
    expect(person?.passwordHash).toBeNull();
    const found = await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "Ryan@Example.com"')}`);
    expect(found.json.Resources.map((u: { id: string }) => u.id)).toEqual([userId]);
  });

  it("keeps a userName that is not an email and signs in with the primary email", async () => {
    const created = await scim("POST", "/Users", {
      schemas: [USER],
      externalId: "e-2",
      userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
      active: true,
      emails: [{ primary: true, type: "work", value: "Test_User_fd0ea19b@example.com" }],
      name: { familyName: "familyName", givenName: "givenName" },
    });
    expect(created.status).toBe(201);
    expect(created.json.userName).toBe("Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1");
    expect((await findPersonByEmail(t.ctx.db, "test_user_fd0ea19b@example.com"))?.name).toBe("givenName familyName");
    const found = await scim(
      "GET",
      `/Users?filter=${encodeURIComponent('userName eq "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"')}`,
    );
    expect(found.json.totalResults).toBe(1);
    const byExternal = await scim("GET", `/Users?filter=${encodeURIComponent('externalId eq "e-2"')}`);
    expect(byExternal.json.Resources[0].id).toBe(created.json.id);
  });

  it("updates attributes with Entra's capitalized ops and ignores attributes it does not keep", async () => {
    const res = await scim("PATCH", `/Users/${userId}`, {
      schemas: [PATCH],
      Operations: [
        { op: "Replace", path: "displayName", value: "Ryan L. Leenay" },
        { op: "Add", path: 'emails[type eq "work"].value', value: "ryan.leenay@example.com" },
        { op: "Replace", path: "title", value: "Engineer" },
        { op: "Add", path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", value: "R&D" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json.displayName).toBe("Ryan L. Leenay");
    expect(res.json.emails[0].value).toBe("ryan.leenay@example.com");
    expect(res.json.userName).toBe("ryan@example.com");
  });

  it("creates a group and adds and removes members", async () => {
    const group = await scim("POST", "/Groups", {
      schemas: [GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "Design",
      meta: { resourceType: "Group" },
    });
    expect(group.status).toBe(201);
    groupId = group.json.id;
    const add = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [PATCH],
      Operations: [{ op: "Add", path: "members", value: [{ $ref: null, value: userId }] }],
    });
    expect(add.status).toBe(200);
    expect(await t.ctx.db.select().from(teamMembers).where(eq(teamMembers.teamId, groupId))).toHaveLength(1);
    const lookup = await scim(
      "GET",
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Design"')}`,
    );
    expect(lookup.json.Resources[0].id).toBe(groupId);
    expect(lookup.json.Resources[0].members).toBeUndefined();
    const remove = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [PATCH],
      Operations: [{ op: "Remove", path: "members", value: [{ $ref: null, value: userId }] }],
    });
    expect(remove.status).toBe(200);
    expect(await t.ctx.db.select().from(teamMembers).where(eq(teamMembers.teamId, groupId))).toHaveLength(0);
  });

  it('deactivates with active = "False" and ends every session and API token at once', async () => {
    const person = await findPersonByEmail(t.ctx.db, "ryan.leenay@example.com");
    const personId = person?.id ?? "";
    const browser = await t.signedIn(person ?? "member");
    await createSession(t.ctx.db, personId, t.clock.now());
    const { token: apiToken } = await createApiToken(t.ctx.db, {
      personId,
      name: "cli",
      scopes: ["read"],
      at: t.clock.now(),
    });
    expect((await browser.get("/")).status).toBe(200);
    const res = await scim("PATCH", `/Users/${userId}`, {
      schemas: [PATCH],
      Operations: [{ op: "Replace", path: "active", value: "False" }],
    });
    expect(res.status).toBe(200);
    expect(res.json.active).toBe(false);
    expect(await t.ctx.db.select().from(sessions).where(eq(sessions.personId, personId))).toHaveLength(0);
    const [row] = await t.ctx.db.select().from(apiTokens).where(eq(apiTokens.personId, personId));
    expect(row?.revokedAt).not.toBeNull();
    expect((await browser.get("/")).status).toBe(303);
    const api = await t.app.request("http://localhost:3000/api/anything", {
      headers: { Authorization: `Bearer ${apiToken}` },
    });
    expect(api.status).toBe(401);
    const [entry] = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, "scim.user-deactivated"));
    expect(entry?.details).toMatchObject({ token: "Directory", sessionsEnded: 2, tokensRevoked: 1 });
  });
});

describe("Okta", () => {
  let userId = "";
  let groupId = "";

  it("creates a user the way Okta sends it (password and locale are not kept)", async () => {
    const probe = await scim(
      "GET",
      `/Users?filter=${encodeURIComponent('userName eq "test.user@example.com"')}&startIndex=1&count=100`,
    );
    expect(probe.json).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    const created = await scim("POST", "/Users", {
      schemas: [USER],
      userName: "test.user@example.com",
      name: { givenName: "Test", familyName: "User" },
      emails: [{ primary: true, value: "test.user@example.com", type: "work" }],
      displayName: "Test User",
      locale: "en-US",
      externalId: "00ujl29u0le5T6Aj10h7",
      groups: [],
      password: "1mz050nq",
      active: true,
    });
    expect(created.status).toBe(201);
    userId = created.json.id;
    expect((await findPersonByEmail(t.ctx.db, "test.user@example.com"))?.passwordHash).toBeNull();
  });

  it("answers 409 for a user that exists already, and changes nothing", async () => {
    const again = await scim("POST", "/Users", { schemas: [USER], userName: "test.user@example.com", active: true });
    expect(again.status).toBe(409);
    expect(again.json.scimType).toBe("uniqueness");
  });

  it("replaces a user with PUT", async () => {
    const put = await scim("PUT", `/Users/${userId}`, {
      schemas: [USER],
      id: userId,
      userName: "test.user@example.com",
      name: { givenName: "Tess", familyName: "User" },
      emails: [{ primary: true, value: "test.user@example.com", type: "work" }],
      active: true,
    });
    expect(put.status).toBe(200);
    expect(put.json.name.givenName).toBe("Tess");
  });

  it("creates a group, renames it with a path-less replace, adds and removes a member by filter", async () => {
    const group = await scim("POST", "/Groups", { schemas: [GROUP], displayName: "Test SCIMv2", members: [] });
    expect(group.status).toBe(201);
    groupId = group.json.id;
    const rename = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", value: { id: groupId, displayName: "Support" } }],
    });
    expect(rename.json.displayName).toBe("Support");
    const add = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [PATCH],
      Operations: [{ op: "add", path: "members", value: [{ value: userId, display: "test.user@example.com" }] }],
    });
    expect(add.json.members.map((m: { value: string }) => m.value)).toEqual([userId]);
    const remove = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [PATCH],
      Operations: [{ op: "remove", path: `members[value eq "${userId}"]` }],
    });
    expect(remove.json.members).toEqual([]);
  });

  it("deactivates with a path-less replace { active: false }", async () => {
    const browser = await t.signedIn((await findPersonByEmail(t.ctx.db, "test.user@example.com")) ?? "member");
    const res = await scim("PATCH", `/Users/${userId}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", value: { active: false } }],
    });
    expect(res.json.active).toBe(false);
    expect((await browser.get("/")).status).toBe(303);
    const reactivated = await scim("PATCH", `/Users/${userId}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", value: { active: true } }],
    });
    expect(reactivated.json.active).toBe(true);
    const actions = (await t.ctx.db.select().from(auditLog).where(eq(auditLog.target, userId))).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(["scim.user-created", "scim.user-deactivated", "scim.user-reactivated"]),
    );
  });

  it("deletes a group (its team)", async () => {
    expect((await scim("DELETE", `/Groups/${groupId}`)).status).toBe(204);
    expect(await t.ctx.db.select().from(teams).where(eq(teams.id, groupId))).toHaveLength(0);
    expect((await scim("GET", `/Groups/${groupId}`)).status).toBe(404);
  });
});

describe("bad requests change nothing", () => {
  it("refuses a filter it cannot answer instead of listing everyone", async () => {
    const res = await scim("GET", `/Users?filter=${encodeURIComponent('name.familyName co "a"')}`);
    expect(res.status).toBe(400);
    expect(res.json.scimType).toBe("invalidFilter");
  });

  it("refuses a user without a usable email, a bad boolean, a bad op and bad JSON", async () => {
    const before = await t.ctx.db.select().from(people);
    expect((await scim("POST", "/Users", { schemas: [USER], userName: "no-email" })).json.scimType).toBe(
      "invalidValue",
    );
    const someone = before[0]?.id ?? "";
    const bool = await scim("PATCH", `/Users/${someone}`, {
      schemas: [PATCH],
      Operations: [{ op: "Replace", path: "active", value: "nope" }],
    });
    expect(bool.status).toBe(400);
    const op = await scim("PATCH", `/Users/${someone}`, {
      schemas: [PATCH],
      Operations: [{ op: "move", path: "active", value: true }],
    });
    expect(op.status).toBe(400);
    const res = await t.app.request(`http://localhost:3000/scim/v2/Users`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(await t.ctx.db.select().from(people)).toEqual(before);
  });

  it("refuses a group member that is not a user, and creates no group", async () => {
    const res = await scim("POST", "/Groups", {
      schemas: [GROUP],
      displayName: "Ghosts",
      members: [{ value: crypto.randomUUID() }],
    });
    expect(res.status).toBe(400);
    expect(await t.ctx.db.select().from(teams).where(eq(teams.name, "Ghosts"))).toHaveLength(0);
  });

  it("does not deactivate the last active owner", async () => {
    const owners = await t.ctx.db.select().from(people).where(eq(people.role, "owner"));
    const owner = owners[0] ?? (await t.person({ role: "owner" }));
    const res = await scim("PATCH", `/Users/${owner.id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    expect(res.status).toBe(400);
    expect(res.json.scimType).toBe("mutability");
    expect((await findPersonByEmail(t.ctx.db, owner.email))?.status).toBe("active");
  });

  it("answers 404 for unknown ids, including ones that are not UUIDs", async () => {
    expect((await scim("GET", "/Users/not-a-uuid")).status).toBe(404);
    expect((await scim("GET", `/Groups/${crypto.randomUUID()}`)).status).toBe(404);
  });
});
