import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "bun";
import S3rver from "s3rver";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { makeBackup } from "./backup.ts";

// A real S3-compatible server (s3rver) on 127.0.0.1, with its default credentials.
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const dirs: string[] = [];
let server: S3rver;
let endpoint: string;
let t: TestApp;
beforeAll(async () => {
  const storage = mkdtempSync(join(tmpdir(), "desktrust-s3-"));
  dirs.push(storage);
  server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: storage,
    configureBuckets: [{ name: "desk-backups", configs: [] }],
  });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  const backupDir = mkdtempSync(join(tmpdir(), "desktrust-s3-local-"));
  dirs.push(backupDir);
  t = await testApp({
    env: {
      BACKUP_DIR: backupDir,
      BACKUP_S3_URL: "s3://desk-backups/nightly",
      BACKUP_S3_ENDPOINT: endpoint,
      BACKUP_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      BACKUP_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
  });
});
afterAll(async () => {
  await t.close();
  await server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("copying backups to S3-compatible storage", () => {
  it("uploads the finished backup and its manifest, byte for byte", async () => {
    const backup = await makeBackup(t.ctx, { trigger: "schedule" });
    expect(backup.uploadedTo).toBe(`s3://desk-backups/nightly/${backup.fileName}`);
    const bucket = new S3Client({ ...credentials, bucket: "desk-backups", endpoint, region: "us-east-1" });
    const bytes = await bucket.file(`nightly/${backup.fileName}`).bytes();
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(backup.sha256);
    const manifest = await bucket.file(`nightly/${backup.fileName}.json`).json();
    expect(manifest).toMatchObject({ fileName: backup.fileName, sha256: backup.sha256 });
  });
});
