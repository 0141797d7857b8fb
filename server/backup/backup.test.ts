import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { makeBackup } from "./backup.ts";
import { PARTIAL_SUFFIX } from "./backup-file.ts";
import { listBackups } from "./records.ts";

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "desktrust-backups-"));
  dirs.push(dir);
  return dir;
};

let t: TestApp;
let backupDir: string;
beforeAll(async () => {
  backupDir = tempDir();
  t = await testApp({ env: { BACKUP_DIR: backupDir, BACKUP_KEEP: "2" } });
});
afterAll(async () => {
  await t.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const metric = async (): Promise<string | undefined> =>
  /^desktrust_backup_newest_age_seconds (\S+)$/m.exec(await (await t.client().get("/metrics")).text())?.[1];

describe("backups on the admin page and in /metrics", () => {
  it("shows no backup and an infinite age until the first one, then its file, checksum and age", async () => {
    const admin = await t.signedIn("admin");
    expect(await (await admin.get("/admin/backups")).text()).toContain("No backup yet");
    expect(await metric()).toBe("+Inf");

    // "Back up now" answers at once with a progress page; the backup runs in the background.
    const made = await admin.post("/admin/backups", { what: "database" });
    expect(made.status).toBe(303);
    expect(made.headers.get("Location")).toMatch(/^\/tasks\//);
    await t.ctx.tasks.settled();
    const progress = await (await admin.get(made.headers.get("Location") ?? "")).text();
    expect(progress).toContain("written.");
    expect((await admin.post("/admin/backups", {})).status).toBe(422);
    const [backup] = await listBackups(t.ctx.db);
    expect(backup?.trigger).toBe("admin");
    expect(existsSync(join(backupDir, backup?.fileName ?? "none"))).toBe(true);
    const manifest = await Bun.file(join(backupDir, `${backup?.fileName}.json`)).json();
    expect(manifest).toMatchObject({
      sha256: backup?.sha256,
      sizeBytes: backup?.sizeBytes,
      appVersion: backup?.appVersion,
    });

    t.clock.advance(2 * 3_600_000);
    const html = await (await admin.get("/admin/backups")).text();
    expect(html).toContain(backup?.fileName ?? "none");
    expect(html).toContain("2 h 0 min ago");
    expect(await metric()).toBe(String(2 * 3_600));
  });

  it("keeps only the newest BACKUP_KEEP backups on disk", async () => {
    for (let i = 0; i < 3; i++) {
      t.clock.advance(60_000);
      await makeBackup(t.ctx, { trigger: "schedule" });
    }
    const onDisk = readdirSync(backupDir).filter((name) => name.endsWith(".jsonl.gz"));
    const kept = (await listBackups(t.ctx.db)).filter((b) => !b.prunedAt);
    expect(kept).toHaveLength(2);
    expect(onDisk.sort()).toEqual(kept.map((b) => b.fileName).sort());
  });

  it("lets only admins start a backup", async () => {
    const member = await t.signedIn("member");
    expect((await member.post("/admin/backups")).status).toBe(403);
  });
});

describe("a backup killed mid-write", () => {
  it("leaves only a hidden partial file, never a backup that looks finished", async () => {
    const directory = tempDir();
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "interrupted-backup.fixture.ts"), directory], {
      stdout: "pipe",
      stderr: "inherit",
      env: { ...process.env, TEST_DATABASE_URL: "" },
    });
    // Kill as soon as the backup has started writing.
    const started = Date.now();
    while (!readdirSync(directory).some((name) => name.endsWith(PARTIAL_SUFFIX))) {
      if (Date.now() - started > 90_000) throw new Error("the backup never started");
      await Bun.sleep(20);
    }
    child.kill("SIGKILL");
    await child.exited;
    const names = readdirSync(directory);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((name) => name.startsWith(".") && name.endsWith(PARTIAL_SUFFIX))).toBe(true);
  }, 120_000);
});
