import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { definePlugin } from "../plugin-api.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";

const plugin = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Plugin ${id}`,
  version: "1.0.0",
  apiVersion: "^1.0.0",
  setup(api: { pages: (b: (r: { get: (...a: unknown[]) => unknown }) => void) => void }) {
    api.pages((r) => r.get("/", "member", (c: { text: (s: string) => Response }) => c.text(`hello from ${id}`)));
  },
  ...extra,
});

let t: TestApp;
beforeAll(async () => {
  t = await testApp({
    pluginModules: [
      plugin("needs-b", { dependsOn: ["b-base"] }),
      plugin("b-base"),
      plugin("Bad_Id"),
      plugin("orphan", { dependsOn: ["not-installed"] }),
      plugin("cycle-a", { dependsOn: ["cycle-b"] }),
      plugin("cycle-b", { dependsOn: ["cycle-a"] }),
      plugin("future", { apiVersion: "^2.0.0" }),
      plugin("explodes", {
        setup() {
          throw new Error("boom in setup");
        },
      }),
      plugin("admin"),
    ],
  });
});
afterAll(() => t.close());

const status = (id: string) => t.ctx.plugins.get(id);

describe("plugin loader", () => {
  it("orders plugins after their dependencies and starts them", () => {
    const active = t.ctx.plugins.active().map((p) => p.id);
    expect(active).toEqual(["b-base", "needs-b"]);
  });

  it("refuses a bad id, naming the rule", () => {
    expect(status("Bad_Id")?.status).toBe("refused");
    expect(status("Bad_Id")?.error).toContain("id must be kebab-case");
  });

  it("refuses a reserved id", () => {
    expect(status("admin")?.error).toContain("reserved");
  });

  it("refuses an unknown dependency", () => {
    expect(status("orphan")?.error).toBe('depends on "not-installed", which is not installed');
  });

  it("refuses every plugin in a dependency cycle", () => {
    expect(status("cycle-a")?.error).toContain("dependency cycle");
    expect(status("cycle-b")?.error).toContain("dependency cycle");
  });

  it("refuses an incompatible apiVersion", () => {
    expect(status("future")?.error).toBe("needs plugin API ^2.0.0, but this DeskTrust provides 1.0.0");
  });

  it("marks a plugin that throws in setup as failed and keeps the portal running", async () => {
    expect(status("explodes")?.status).toBe("failed");
    expect(status("explodes")?.error).toBe("boom in setup");
    const member = await t.signedIn("member");
    expect((await member.get("/")).status).toBe(200);
    expect(await (await member.get("/b-base")).text()).toBe("hello from b-base");
  });

  it("shows failed and refused plugins with their errors on the admin Plugins page", async () => {
    const admin = await t.signedIn("admin");
    const html = await (await admin.get("/admin/plugins")).text();
    expect(html).toContain("boom in setup");
    expect(html).toContain("needs plugin API ^2.0.0");
    expect(html).toContain("Failed");
  });

  it("declares routes with access rules so the role matrix covers them", () => {
    expect(t.ctx.routes.rules).toContainEqual({ method: "GET", path: "/b-base", access: "member", owner: "b-base" });
  });
});

describe("PLUGINS variable", () => {
  it("loads only the listed plugins and marks the rest not enabled", async () => {
    const app = await testApp({ plugins: ["kudos"], pluginModules: undefined });
    try {
      expect(app.ctx.plugins.active().map((p) => p.id)).toEqual(["kudos"]);
    } finally {
      await app.close();
    }
    const none = await testApp({ plugins: [] });
    try {
      expect(none.ctx.plugins.get("kudos")?.status).toBe("not-enabled");
      const member = await none.signedIn("member");
      expect((await member.get("/kudos")).status).toBe(404);
    } finally {
      await none.close();
    }
  });
});

describe("definePlugin", () => {
  it("returns the definition unchanged, typed", () => {
    const def = definePlugin({ id: "x", name: "X", version: "1.0.0", apiVersion: "^1.0.0", setup() {} });
    expect(def.id).toBe("x");
  });
});

describe("plugin start-up checks", () => {
  it("fails a plugin whose settings lack defaults, and one that provides a hook already taken", async () => {
    const { z } = await import("zod");
    const linter = { lint: () => [] };
    const app = await testApp({
      pluginModules: [
        plugin("no-defaults", { settings: z.object({ url: z.string() }) }),
        plugin("linter-one", {
          setup: (api: { provide: (h: string, i: unknown) => void }) => api.provide("writing.linter", linter),
        }),
        plugin("linter-two", {
          setup: (api: { provide: (h: string, i: unknown) => void }) => api.provide("writing.linter", linter),
        }),
      ],
    });
    try {
      expect(app.ctx.plugins.get("no-defaults")?.status).toBe("failed");
      expect(app.ctx.plugins.get("no-defaults")?.error).toContain("must give every field a default");
      expect(app.ctx.plugins.get("linter-one")?.status).toBe("active");
      expect(app.ctx.plugins.get("linter-two")?.error).toBe(
        'the "writing.linter" hook is already provided by "linter-one"',
      );
    } finally {
      await app.close();
    }
  });
});

describe("upload routes", () => {
  it("may raise the request-body limit for one route; every other route keeps 1 MB", async () => {
    const app = await testApp({
      pluginModules: [
        {
          id: "uploader",
          name: "Uploader",
          version: "1.0.0",
          apiVersion: "^1.0.0",
          setup(api: { pages: (b: (r: { post: (...a: unknown[]) => unknown }) => void) => void }) {
            api.pages((r) => {
              const size = async (c: { req: { text: () => Promise<string> }; text: (s: string) => Response }) =>
                c.text(String((await c.req.text()).length));
              r.post("/files", "member", size, { maxBodyBytes: 3 * 1024 * 1024 });
              r.post("/notes", "member", size);
            });
          },
        },
      ],
    });
    try {
      const member = await app.signedIn("member");
      const body = "x".repeat(2 * 1024 * 1024);
      const send = (path: string) =>
        member.request(path, { method: "POST", body, headers: { "Content-Type": "text/plain" } });
      const big = await send("/uploader/files");
      expect(big.status).toBe(200);
      expect(await big.text()).toBe(String(body.length));
      expect((await send("/uploader/notes")).status).toBe(413);
    } finally {
      await app.close();
    }
  });
});

describe("plugin migrations", () => {
  it("fails a plugin whose migration fails after its setup ran: its pages answer 404, its hook is withdrawn, a dependant is refused", async () => {
    // Setup runs while the database opens and migrations after it: a failed migration must undo
    // what setup made count.
    const folder = mkdtempSync(join(tmpdir(), "desktrust-bad-migration-"));
    mkdirSync(join(folder, "meta"));
    writeFileSync(
      join(folder, "meta", "_journal.json"),
      JSON.stringify({
        version: "7",
        dialect: "postgresql",
        entries: [{ idx: 0, version: "7", when: 1, tag: "0000_broken", breakpoints: true }],
      }),
    );
    writeFileSync(join(folder, "0000_broken.sql"), "create table broken (id int references nowhere(id));");
    const linter = { lint: () => [] };
    const app = await testApp({
      pluginModules: [
        plugin("broken-schema", {
          migrations: folder,
          setup(api: {
            provide: (h: string, i: unknown) => void;
            pages: (b: (r: { get: (...a: unknown[]) => unknown }) => void) => void;
          }) {
            api.provide("writing.linter", linter);
            api.pages((r) => r.get("/", "member", (c: { text: (s: string) => Response }) => c.text("should not show")));
          },
        }),
        plugin("needs-broken", { dependsOn: ["broken-schema"] }),
        plugin("fine"),
      ],
    });
    try {
      expect(app.ctx.plugins.get("broken-schema")?.status).toBe("failed");
      expect(app.ctx.plugins.get("broken-schema")?.error).toContain("nowhere");
      expect(app.ctx.plugins.provider("writing.linter")).toBeUndefined();
      expect(app.ctx.plugins.get("needs-broken")?.status).toBe("refused");
      expect(app.ctx.plugins.get("needs-broken")?.error).toBe('depends on "broken-schema", which is not running');
      expect(app.ctx.plugins.get("fine")?.status).toBe("active");
      const member = await app.signedIn("member");
      expect((await member.get("/broken-schema")).status).toBe(404);
      expect((await member.get("/needs-broken")).status).toBe(404);
      expect(await (await member.get("/fine")).text()).toBe("hello from fine");
    } finally {
      await app.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
