import { S3Client } from "bun";
import type { BackupS3Config } from "../config.ts";
import type { BackupManifest } from "./backup.ts";

/**
 * Copies a finished backup and its manifest to S3-compatible storage (AWS S3, MinIO, R2, …)
 * with Bun's built-in S3 client. Returns where it went. Credentials come from the BACKUP_S3_*
 * variables, or from the usual AWS_* variables when those are unset.
 */
export async function uploadBackup(s3: BackupS3Config, path: string, manifest: BackupManifest): Promise<string> {
  const client = new S3Client({
    bucket: s3.bucket,
    region: s3.region,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...(s3.accessKeyId ? { accessKeyId: s3.accessKeyId } : {}),
    ...(s3.secretAccessKey ? { secretAccessKey: s3.secretAccessKey } : {}),
  });
  const key = s3.prefix ? `${s3.prefix}/${manifest.fileName}` : manifest.fileName;
  await client.write(key, Bun.file(path));
  await client.write(`${key}.json`, JSON.stringify(manifest, null, 2), { type: "application/json" });
  return `s3://${s3.bucket}/${key}`;
}
