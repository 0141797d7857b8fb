import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { createGzip } from "node:zlib";

/** Backups being written carry this suffix; only a finished, renamed file counts as a backup. */
export const PARTIAL_SUFFIX = ".partial";

export interface WrittenFile {
  sizeBytes: number;
  sha256: string;
}

/** A gzip-compressed line stream written under a temporary name. */
export interface LineFile {
  writeLine(line: string): Promise<void>;
  /** Flushes, syncs to disk and renames to `finalPath` in one atomic step. */
  finish(finalPath: string): Promise<WrittenFile>;
  /** Removes the partial file after a failure. */
  abort(): Promise<void>;
}

export function openLineFile(partialPath: string): LineFile {
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(partialPath, { flags: "wx" });
  const hash = createHash("sha256");
  let size = 0;
  gzip.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
  });
  gzip.pipe(out);
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
  };
  gzip.on("error", fail);
  out.on("error", fail);
  return {
    async writeLine(line) {
      if (failure) throw failure;
      if (!gzip.write(`${line}\n`)) await new Promise<void>((resolve) => gzip.once("drain", () => resolve()));
    },
    async finish(finalPath) {
      await new Promise<void>((resolve, reject) => {
        out.once("finish", () => resolve());
        out.once("error", reject);
        gzip.end();
      });
      if (failure) throw failure;
      await syncFile(partialPath);
      await rename(partialPath, finalPath);
      return { sizeBytes: size, sha256: hash.digest("hex") };
    },
    async abort() {
      gzip.destroy();
      out.destroy();
      await rm(partialPath, { force: true });
    },
  };
}

/** Makes the bytes durable before the rename publishes the file. */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** SHA-256 and size of a file on disk (to verify a backup, or to record one written by pg_dump). */
export async function describeFile(path: string): Promise<WrittenFile> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { sizeBytes: (await stat(path)).size, sha256: hash.digest("hex") };
}
