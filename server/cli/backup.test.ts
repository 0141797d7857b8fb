import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../testing/cli.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "desktrust-cli-backup-"));
  dirs.push(dir);
  return dir;
};

describe("desktrust backup and restore", () => {
  it("writes a backup with its checksum, restores it into a new data directory, and names a missing file", async () => {
    const [source, target, out] = [tempDir(), tempDir(), tempDir()];
    const backup = await runCli(["backup", "--to", out], { dataDir: source });
    expect(backup.code).toBe(0);
    const file = /^Wrote (\S+)$/m.exec(backup.out)?.[1] as string;
    expect(file).toStartWith(out);
    expect(backup.out).toMatch(/SHA-256 [0-9a-f]{64}/);
    expect((await Bun.file(`${file}.json`).json()).sha256).toBe(/SHA-256 ([0-9a-f]{64})/.exec(backup.out)?.[1]);

    const restored = await runCli(["restore", file], { dataDir: target });
    expect(restored.err).toBe("");
    expect(restored.code).toBe(0);
    expect(restored.out).toMatch(/Restored .* into PGlite in .* \(\d+ tables, \d+ rows\)/);

    const missing = await runCli(["restore", join(out, "nope.jsonl.gz")], { dataDir: target });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("no such file");
  }, 180_000);
});
