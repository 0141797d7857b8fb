import { afterAll, describe, expect, it } from "bun:test";
import { z } from "zod";
import { definePlugin, HttpError } from "../plugin-api.ts";
import { testApp } from "../testing/test-app.ts";

// api.endpoint as a plugin author uses it: input validated before the handler, the answer held
// to its schema, and a spec that cannot be served refused at boot.

let handled = 0;

const notes = definePlugin({
  id: "notes",
  name: "Notes",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  setup(api) {
    api.endpoint(
      {
        method: "get",
        path: "/search",
        scope: "read",
        access: "member",
        summary: "Search notes",
        query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) }),
        response: z.object({ limit: z.number(), by: z.string() }),
      },
      async ({ query }, s) => {
        // `secret` is not in the response schema and never leaves the server.
        return { limit: query.limit, by: s.viewer?.name ?? "", secret: "hash" } as { limit: number; by: string };
      },
    );
    api.endpoint(
      {
        method: "post",
        path: "/notes/:id",
        scope: "notes:write",
        access: "manager",
        status: 201,
        summary: "Write a note",
        params: { id: "The note's id." },
        body: z.object({
          text: z.string().trim().min(1, "Write something."),
          tags: z.array(z.string()).max(3).default([]),
        }),
        response: z.object({ id: z.string(), text: z.string(), tags: z.array(z.string()) }),
      },
      async ({ body, params }) => {
        handled++;
        if (body.text === "conflict") throw new HttpError(409, "Already written.");
        return { id: params.id ?? "", ...body };
      },
    );
    api.endpoint(
      {
        method: "get",
        path: "/broken",
        scope: "read",
        access: "member",
        summary: "Answers outside its schema",
        response: z.object({ count: z.number() }),
      },
      async () => ({ count: "many" }) as unknown as { count: number },
    );
  },
});

const badScope = definePlugin({
  id: "bad-scope",
  name: "Bad scope",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  setup(api) {
    api.endpoint(
      { method: "post", path: "/x", scope: "read", access: "member", summary: "x", response: z.object({}) },
      async () => ({}),
    );
  },
});

const twice = definePlugin({
  id: "twice",
  name: "Twice",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  setup(api) {
    for (let i = 0; i < 2; i++)
      api.endpoint(
        { method: "get", path: "/x", scope: "read", access: "member", summary: "x", response: z.object({}) },
        async () => ({}),
      );
  },
});

const t = await testApp({ pluginModules: [notes, badScope, twice] });
afterAll(() => t.close());

describe("api.endpoint", () => {
  it("validates the query and answers only what the response schema lists", async () => {
    const member = await t.signedIn("member");
    const res = await member.get("/api/notes/search?limit=5");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ limit: 5, by: member.person.name });
    const bad = await member.get("/api/notes/search?limit=500");
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty("limit");
  });

  it("checks the access rule before reading the body, then refuses bad bodies before the handler", async () => {
    const member = await t.signedIn("member");
    const manager = await t.signedIn("manager");
    const send = (client: typeof member, body: string, type = "application/json") =>
      client.request("/api/notes/notes/n1", { method: "POST", body, headers: { "Content-Type": type } });
    expect((await send(member, '{"text":"hi"}')).status).toBe(403);
    expect((await send(manager, "{oops")).status).toBe(400);
    expect((await send(manager, "text=hi", "application/x-www-form-urlencoded")).status).toBe(415);
    const invalid = await send(manager, '{"text":"  ","tags":["a","b","c","d"]}');
    expect(invalid.status).toBe(422);
    const error = ((await invalid.json()) as { error: { message: string; fields: Record<string, string> } }).error;
    expect(error.message).toBe("Invalid text: Write something.");
    expect(Object.keys(error.fields).sort()).toEqual(["tags", "text"]);
    expect(handled).toBe(0);
    const ok = await send(manager, '{"text":" Ship it "}');
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ id: "n1", text: "Ship it", tags: [] });
    expect((await send(manager, '{"text":"conflict"}')).status).toBe(409);
  });

  it("treats an answer outside the response schema as a server error, not a quiet leak", async () => {
    const member = await t.signedIn("member");
    const res = await member.get("/api/notes/broken");
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("many");
  });

  it("refuses at boot a change declared with the read scope, and one route declared twice", () => {
    expect(t.ctx.plugins.get("bad-scope")?.status).toBe("failed");
    expect(t.ctx.plugins.get("bad-scope")?.error).toContain('a change a "<resource>:write" scope');
    expect(t.ctx.plugins.get("twice")?.status).toBe("failed");
    expect(t.ctx.plugins.get("twice")?.error).toContain("declared twice");
    expect(t.ctx.plugins.get("notes")?.status).toBe("active");
  });

  it("documents the plugin's operations with their scopes", async () => {
    const doc = (await (await t.client().get("/api/openapi.json")).json()) as {
      paths: Record<string, Record<string, { "x-desktrust-scope": string; parameters?: { name: string }[] }>>;
    };
    expect(doc.paths["/api/notes/notes/{id}"]?.post?.["x-desktrust-scope"]).toBe("notes:write");
    expect(doc.paths["/api/notes/search"]?.get?.parameters?.map((p) => p.name)).toEqual(["limit"]);
  });
});
