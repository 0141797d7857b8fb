import { runCli } from "./run.ts";

// `bun run desktrust <command>` and `npx desktrust <command>` land here.
const code = await runCli(Bun.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
process.exit(code);
