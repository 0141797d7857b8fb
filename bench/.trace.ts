// scratch: per-page query timings (not committed)
import { boot } from "../server/boot.ts";
import { loadConfig } from "../server/config.ts";
import { openDatabase } from "../server/db/index.ts";
const [dataDir, token, ...paths] = process.argv.slice(2);
const cfg = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: process.env.PGURL, LOG_LEVEL: "warn", BASE_URL: "http://127.0.0.1:3000" } as Record<string,string>);
if (!cfg.ok) throw new Error(cfg.error);
const database = await openDatabase({ url: process.env.PGURL, dataDir: process.env.PGURL ? undefined : dataDir });
const session = (database.db as any).session;
const stats = new Map<string, { n: number; ms: number }>();
const seen = new Map<string, unknown>();
let on = false;
const wrap = (client: any) => {
  const orig = client.unsafe.bind(client);
  return new Proxy(client, { get(t, k) { if (k === "unsafe") return (q: string, p: unknown, o: unknown) => { if (on) seen.set(q, p); const r = orig(q, p, o); const t0 = performance.now(); const rec = () => { if (!on) return; const s = stats.get(q) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t0; stats.set(q, s); }; const origThen = r.then.bind(r); r.then = (a: any, b: any) => origThen((v: any) => { rec(); return a ? a(v) : v; }, b); const origValues = r.values.bind(r); r.values = () => { const v = origValues(); const vt = v.then.bind(v); v.then = (a: any, b: any) => vt((x: any) => { rec(); return a ? a(x) : x; }, b); return v; }; return r; }; return Reflect.get(t, k); } });
};
session.client = wrap(session.client);
const booted = await boot({ config: cfg.config, database });
for (const path of paths) {
  for (let i = 0; i < 3; i++) await (await booted.app.fetch(new Request(`http://127.0.0.1:3000${path}`, { headers: { Cookie: `dt_session=${token}` } }))).text();
  stats.clear(); on = true;
  const t0 = performance.now();
  const N = 10;
  let status = 0;
  for (let i = 0; i < N; i++) { const r = await booted.app.fetch(new Request(`http://127.0.0.1:3000${path}`, { headers: { Cookie: `dt_session=${token}` } })); status = r.status; await r.text(); }
  on = false;
  const raw = (database.db as any).$client;
  const ex: [number, string, string][] = [];
  for (const [q, p] of seen) {
    if (!/^\s*(select|with)/i.test(q)) continue;
    try {
      const rows = await raw.unsafe(`explain (analyze, buffers) ${q}`, p as any[]);
      const lines = rows.map((r: any) => r["QUERY PLAN"]);
      const t = Number(/Execution Time: ([\d.]+)/.exec(lines.join("\n"))?.[1] ?? 0) + Number(/Planning Time: ([\d.]+)/.exec(lines.join("\n"))?.[1] ?? 0);
      const t1 = performance.now(); for (let i = 0; i < 5; i++) await raw.unsafe(q, p as any[]); const rt = (performance.now() - t1) / 5;
      lines.unshift(`roundtrip ${rt.toFixed(2)} ms`);
      ex.push([t, q, lines.filter((l: string) => /roundtrip|Seq Scan|rows=\d{4,}|Sort Method|Index/.test(l)).slice(0, 4).join(" | ")]);
    } catch (e) { ex.push([-1, q, String(e)]); }
  }
  seen.clear();
  ex.sort((a, b) => b[0] - a[0]);
  console.log(`\n## ${path}: explain total ${ex.reduce((s, e) => s + Math.max(0, e[0]), 0).toFixed(2)} ms`);
  for (const [t, q, plan] of ex.slice(0, 8)) console.log(`  ${t.toFixed(2)} ms  ${q.replace(/\s+/g, " ").slice(0, 260)}\n      ${plan.slice(0, 400)}`);
  const total = (performance.now() - t0) / N;
  const sorted = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const dbms = sorted.reduce((s, [, v]) => s + v.ms, 0) / N;
  console.log(`  ${path} ${status}: ${total.toFixed(1)} ms/request, db ${dbms.toFixed(1)} ms, ${sorted.reduce((s, [, v]) => s + v.n, 0) / N} queries`);
  if (process.env.WALL) for (const [q, v] of sorted.slice(0, 6)) console.log(`  ${(v.ms / N).toFixed(2)} ms x${v.n / N}  ${q.replace(/\s+/g, " ").slice(0, 300)}`);
}
await booted.close();
process.exit(0);
