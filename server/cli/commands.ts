import type { z } from "zod";
import type { Config } from "../config.ts";
import type { AppContext } from "../context.ts";
import type { Database } from "../db/index.ts";
import type { MigrationReport } from "../db/migrate.ts";

/** What a command gets to work with: the booted app and somewhere to write. */
export interface CliContext {
  app: AppContext;
  /** What this run migrated: core, then each plugin (empty lists when nothing was pending). */
  migrations: MigrationReport[];
  /** Writes one line to stdout. */
  print(line: string): void;
  /** Writes one line to stderr and returns exit code 1, for expected failures: `return ctx.fail("…")`. */
  fail(line: string): number;
}

/**
 * What a command that runs before the app boots gets: the configuration and an opened, not
 * migrated, database (restore must judge the target as it is).
 */
export interface BareCliContext {
  config: Config;
  database: Database;
  print(line: string): void;
  fail(line: string): number;
}

/** A core command that runs without booting (and so without migrating) the app. */
export interface BareCliCommand<S extends z.ZodObject = z.ZodObject> extends Omit<CliCommand<S>, "run" | "boot"> {
  boot: false;
  run(ctx: BareCliContext, args: z.infer<S> & { _: string[] }): Promise<number | undefined>;
}

export type AnyCliCommand = CliCommand | BareCliCommand;

/** Keeps the options' types flowing into a bare command's `run`. */
export function defineBareCommand<S extends z.ZodObject>(command: BareCliCommand<S>): BareCliCommand<S> {
  return command;
}

/**
 * One `desktrust <name>` command. Options are a zod object: each key is an option (`timeZone`
 * is `--time-zone`), booleans are flags, and `.describe()` — applied last — is the help text.
 *
 * @example
 * const prune = defineCommand({
 *   name: "sla:prune",
 *   summary: "Delete SLA cycles older than a number of days.",
 *   options: z.object({ days: z.coerce.number().int().min(1).default(90).describe("Age in days") }),
 *   async run(ctx, { days }) {
 *     ctx.print(`pruned cycles older than ${days} days`);
 *   },
 * });
 */
export interface CliCommand<S extends z.ZodObject = z.ZodObject> {
  /** Core commands are `kebab-case`; a plugin's are `<plugin-id>:<kebab-case>`. */
  name: string;
  /** One line for `desktrust --help`. */
  summary: string;
  options: S;
  /** Positional arguments, in order (`<file.ics>`); they arrive as `args._`. Default: none allowed. */
  positionals?: { name: string; description: string; required?: boolean }[];
  /** Core's bare commands set `false`; every other command runs on the booted, migrated app. */
  boot?: true;
  /** Returns the exit code (default 0). */
  run(ctx: CliContext, args: z.infer<S> & { _: string[] }): Promise<number | undefined>;
}

/** Keeps the options' types flowing into `run`. */
export function defineCommand<S extends z.ZodObject>(command: CliCommand<S>): CliCommand<S> {
  return command;
}

const coreName = /^[a-z][a-z0-9-]*$/;

export interface CommandRegistry {
  /** Adds a command. A plugin's commands must be named `<owner>:<name>`. */
  register(command: AnyCliCommand, owner?: string): void;
  get(name: string): AnyCliCommand | undefined;
  /** Every command, core first, then plugins, each group by name. */
  list(): AnyCliCommand[];
}

export function createCommandRegistry(): CommandRegistry {
  const commands = new Map<string, AnyCliCommand>();
  return {
    register(command, owner = "core") {
      const [prefix, rest] = command.name.includes(":") ? command.name.split(":", 2) : [undefined, command.name];
      const valid =
        owner === "core"
          ? prefix === undefined && coreName.test(command.name)
          : prefix === owner && coreName.test(rest ?? "");
      if (!valid) {
        const expected = owner === "core" ? "kebab-case" : `"${owner}:<kebab-case>"`;
        throw new Error(`Command "${command.name}" from ${owner} must be named ${expected}.`);
      }
      if (commands.has(command.name)) throw new Error(`Command "${command.name}" is registered twice.`);
      commands.set(command.name, command as AnyCliCommand);
    },
    get: (name) => commands.get(name),
    list: () =>
      [...commands.values()].sort(
        (a, b) => Number(a.name.includes(":")) - Number(b.name.includes(":")) || a.name.localeCompare(b.name),
      ),
  };
}

export type ParsedOptions = { ok: true; args: Record<string, unknown> } | { ok: false; error: string };

/** Reads `--key value`, `--key=value` and `--flag` against the command's options schema. */
export function parseOptions(command: AnyCliCommand, argv: string[]): ParsedOptions {
  const fields = optionFields(command);
  const raw: Record<string, unknown> = {};
  const positionals: string[] = [];
  const allowed = command.positionals ?? [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) {
      if (positionals.length >= allowed.length)
        return { ok: false, error: `Unexpected argument "${arg}" for ${command.name}.` };
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const field = fields.find((f) => f.flag === flag);
    if (!field) return { ok: false, error: `Unknown option --${flag} for ${command.name}.` };
    if (field.boolean) {
      const value = eq === -1 ? "true" : arg.slice(eq + 1);
      if (value !== "true" && value !== "false") return { ok: false, error: `Option --${flag} takes no value.` };
      raw[field.key] = value === "true";
      continue;
    }
    const next = argv[i + 1];
    const value = eq !== -1 ? arg.slice(eq + 1) : next !== undefined && !next.startsWith("--") ? next : undefined;
    if (value === undefined) return { ok: false, error: `Option --${flag} needs a value.` };
    if (eq === -1) i++;
    raw[field.key] = value;
  }
  for (const field of fields) {
    if (field.required && !(field.key in raw)) return { ok: false, error: `Missing required option --${field.flag}.` };
  }
  const missing = allowed.slice(positionals.length).find((p) => p.required);
  if (missing) return { ok: false, error: `Missing <${missing.name}>.` };
  const parsed = command.options.safeParse(raw);
  if (parsed.success) return { ok: true, args: { ...parsed.data, _: positionals } };
  const issue = parsed.error.issues[0];
  const field = fields.find((f) => f.key === issue?.path[0]);
  const message = (issue?.message ?? "a valid value").replace(/^Invalid (input|option)?:?\s*(expected )?/i, "");
  return { ok: false, error: `Invalid --${field?.flag ?? String(issue?.path[0])}: expected ${message}.` };
}

interface OptionField {
  key: string;
  flag: string;
  boolean: boolean;
  required: boolean;
  description: string;
  fallback: unknown;
}

function optionFields(command: AnyCliCommand): OptionField[] {
  return Object.entries(command.options.shape as Record<string, z.ZodType>).map(([key, schema]) => {
    const absent = schema.safeParse(undefined);
    return {
      key,
      flag: key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`),
      boolean: innerType(schema) === "boolean",
      required: !absent.success,
      description: schema.description ?? "",
      fallback: absent.success ? absent.data : undefined,
    };
  });
}

/** The type under `.optional()`/`.default()` wrappers, e.g. "boolean" for `z.boolean().default(false)`. */
function innerType(schema: z.ZodType): string {
  let def = schema._zod.def as { type: string; innerType?: z.ZodType };
  while (def.innerType) def = def.innerType._zod.def as typeof def;
  return def.type;
}

/** The help text: every command with its summary and options. */
export function helpText(registry: CommandRegistry, only?: AnyCliCommand): string {
  const commands = only ? [only] : registry.list();
  const lines = only
    ? [`Usage: desktrust ${only.name}${positionalUsage(only)} [options]`, "", only.summary]
    : [
        "Usage: desktrust <command> [options]",
        "",
        "Uses the same environment as the server (DATABASE_URL, DATA_DIR, …; see docs/operations.md).",
        "",
        "Commands:",
      ];
  const width = Math.max(...commands.map((c) => c.name.length), 4) + 2;
  for (const command of commands) {
    if (!only) lines.push(`  ${command.name.padEnd(width)}${command.summary}`);
    for (const p of command.positionals ?? [])
      lines.push(`${only ? "  " : `  ${" ".repeat(width)}`}<${p.name}>  ${p.description}`);
    const fields = optionFields(command);
    const usage = fields.map((f) => (f.boolean ? `--${f.flag}` : `--${f.flag} <${f.flag}>`));
    const flagWidth = Math.max(...usage.map((u) => u.length), 0) + 2;
    fields.forEach((field, i) => {
      const notes = field.required
        ? " (required)"
        : field.fallback !== undefined && !field.boolean
          ? ` (default: ${String(field.fallback)})`
          : "";
      lines.push(
        `${only ? "  " : `  ${" ".repeat(width)}`}${(usage[i] as string).padEnd(flagWidth)}${field.description}${notes}`,
      );
    });
  }
  if (!only) lines.push(`  ${"help".padEnd(width)}Show this help; \`desktrust help <command>\` for one command.`);
  return lines.join("\n");
}

function positionalUsage(command: AnyCliCommand): string {
  return (command.positionals ?? []).map((p) => (p.required ? ` <${p.name}>` : ` [${p.name}]`)).join("");
}
