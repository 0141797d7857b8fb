import { z } from "zod";
import type { CliCommand } from "../cli/commands.ts";
import type { PluginCommand } from "./definition.ts";
import { discoverPlugins, resolvePlugins } from "./loader.ts";

/**
 * The command-line commands plugins declare, found without opening the database: each plugin's
 * `setup` runs against a recorder that keeps `api.command(...)` calls and ignores every other
 * registration. (Setup only registers things, so this is safe.) Each becomes `<plugin-id>:<name>`
 * and runs with the plugin's services once the CLI has booted the app.
 */
export async function pluginCliCommands(pluginsDir: string): Promise<CliCommand[]> {
  const candidates: { dir: string; module: unknown; loadError?: string }[] = [];
  for (const found of await discoverPlugins(pluginsDir)) {
    try {
      candidates.push({ dir: found.dir, module: await found.load() });
    } catch (error) {
      candidates.push({ dir: found.dir, module: undefined, loadError: String(error) });
    }
  }
  const commands: CliCommand[] = [];
  for (const plugin of resolvePlugins(candidates)) {
    if (plugin.status !== "ready") continue;
    const recorded: PluginCommand<unknown>[] = [];
    const recorder = new Proxy(
      { id: plugin.id, command: (c: PluginCommand<unknown>) => void recorded.push(c) },
      { get: (target, key) => (key in target ? target[key as keyof typeof target] : () => undefined) },
    );
    try {
      await plugin.definition.setup(recorder as never);
    } catch {
      continue; // the server reports a plugin whose setup fails; the CLI just lists no commands for it
    }
    for (const command of recorded) commands.push(adapt(plugin.id, command));
  }
  return commands;
}

function adapt(pluginId: string, command: PluginCommand<unknown>): CliCommand {
  return {
    name: `${pluginId}:${command.name}`,
    summary: command.summary,
    options: command.options ?? z.object({}),
    ...(command.positionals ? { positionals: command.positionals } : {}),
    async run(cli, args) {
      const runtime = cli.app.plugins;
      if (!runtime.isEnabled(pluginId))
        return cli.fail(`the ${pluginId} plugin is not running (${runtime.get(pluginId)?.status ?? "not installed"}).`);
      const code = await command.run(args as Record<string, unknown> & { _: string[] }, {
        ...runtime.services(pluginId),
        out: cli.print,
        fail: cli.fail,
      });
      return code ?? 0;
    },
  };
}
