import { boot, pluginsDir } from "../boot.ts";
import { loadConfig } from "../config.ts";
import { configuredDatabase, openDatabase } from "../db/index.ts";
import { pagesChangedElsewhere } from "../http/page-cache.ts";
import { pluginCliCommands } from "../plugins/commands.ts";
import { backupCommand } from "./backup.ts";
import { type AnyCliCommand, type CommandRegistry, createCommandRegistry, helpText, parseOptions } from "./commands.ts";
import { createAdminCommand } from "./create-admin.ts";
import { demoCommand } from "./demo.ts";
import { migrateCommand } from "./migrate.ts";
import { restoreCommand } from "./restore.ts";
import { seedCommand } from "./seed.ts";

/** Exit codes: 0 done, 1 the command failed, 2 the command line was wrong. */
export const USAGE_ERROR = 2;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

export function coreCommandRegistry(): CommandRegistry {
  const registry = createCommandRegistry();
  for (const command of [migrateCommand, createAdminCommand, demoCommand, seedCommand, backupCommand, restoreCommand])
    registry.register(command as AnyCliCommand);
  return registry;
}

/** Core commands plus every installed plugin's `<plugin-id>:<name>` commands. */
export async function fullCommandRegistry(): Promise<CommandRegistry> {
  const registry = coreCommandRegistry();
  for (const command of await pluginCliCommands(pluginsDir)) registry.register(command, command.name.split(":")[0]);
  return registry;
}

/** Runs one command line (without the program name) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo, registryOrNone?: CommandRegistry): Promise<number> {
  const registry = registryOrNone ?? (await fullCommandRegistry());
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" && rest[0] ? registry.get(rest[0]) : undefined;
    if (name === "help" && rest[0] && !topic) return unknownCommand(io, rest[0]);
    io.out(helpText(registry, topic));
    return 0;
  }
  const command = registry.get(name);
  if (!command) return unknownCommand(io, name);
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(helpText(registry, command));
    return 0;
  }
  const options = parseOptions(command, rest);
  if (!options.ok) {
    io.err(`desktrust ${command.name}: ${options.error} Run "desktrust help ${command.name}" for its options.`);
    return USAGE_ERROR;
  }

  // Same configuration as the server; quieter logs, as the output here is for a person.
  const configResult = loadConfig({ LOG_LEVEL: "warn", ...io.env });
  if (!configResult.ok) {
    io.err(`desktrust: ${configResult.error}`);
    return 1;
  }
  const config = configResult.config;
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase(configuredDatabase(config));
  } catch (error) {
    io.err(`desktrust: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const fail = (line: string): number => {
    io.err(`desktrust ${command.name}: ${line}`);
    return 1;
  };
  const args = options.args as Record<string, unknown> & { _: string[] };
  if (command.boot === false) {
    try {
      return (await command.run({ config, database, print: io.out, fail }, args)) ?? 0;
    } finally {
      // Running servers drop the pages they keep: this command may have changed their data.
      await pagesChangedElsewhere(database, config.databaseUrl).catch(() => {});
      await database.close();
    }
  }
  let booted: Awaited<ReturnType<typeof boot>> | undefined;
  try {
    booted = await boot({ config, database });
    const migrations = booted.migrations;
    return (await command.run({ app: booted.ctx, migrations, print: io.out, fail }, args)) ?? 0;
  } finally {
    if (booted) await booted.close();
    else await database.close();
  }
}

function unknownCommand(io: CliIo, name: string): number {
  io.err(`desktrust: unknown command "${name}". Run "desktrust --help" to list the commands.`);
  return USAGE_ERROR;
}
