// A process that fills an in-memory install and then backs it up slowly enough to be killed
// mid-write (used by backup.test.ts: kill -9 must leave no backup that looks finished).
import { sql } from "drizzle-orm";
import { testApp } from "../testing/test-app.ts";
import { makeBackup } from "./backup.ts";

const directory = process.argv[2] as string;
const t = await testApp();
await t.ctx.db.execute(sql`
  insert into audit_log (action, target, details, at)
  select 'filler', 'row ' || g, jsonb_build_object('padding', repeat(md5(g::text), 8)), now()
  from generate_series(1, 100000) g`);
console.log("filled");
await makeBackup(t.ctx, { trigger: "cli", directory, format: "logical" });
console.log("finished");
