import type { Notifier } from "../db/index.ts";
import type { Logger } from "../log.ts";

/**
 * State every instance keeps in memory because it changes rarely: plugin on/off and settings,
 * the organization, team memberships. Whoever changes it announces the topic after commit; every instance (this
 * one included) reloads it.
 */
export type ChangeTopic = "plugins" | "org" | "teams";

const CHANNEL = "desktrust_changes";
const topics: readonly ChangeTopic[] = ["plugins", "org", "teams"];

export interface Changes {
  /** Reloads `topic` here, then tells every other instance. Call after the change has committed. */
  announce(topic: ChangeTopic): Promise<void>;
  /** Reloads cached state for `topic`; also runs on every (re)connect, when messages may have been missed. */
  on(topic: ChangeTopic, reload: () => Promise<void>): void;
  /** Starts listening. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createChanges(notifier: Notifier, logger: Logger): Changes {
  const reloaders = new Map<ChangeTopic, (() => Promise<void>)[]>();
  const reload = (topic: ChangeTopic): void => {
    for (const run of reloaders.get(topic) ?? [])
      run().catch((error: unknown) => logger.warn("could not reload changed state", { topic, error }));
  };
  let started = false;
  return {
    async announce(topic) {
      // This instance first, so the request after this one (a redirect) already sees the change.
      await Promise.all(
        (reloaders.get(topic) ?? []).map((run) =>
          run().catch((error: unknown) => logger.warn("could not reload changed state", { topic, error })),
        ),
      );
      try {
        await notifier.notify(CHANNEL, topic);
      } catch (error) {
        // The change is committed; other instances pick it up when they reconnect.
        logger.warn("could not announce a change to other instances", { topic, error });
      }
    },
    on(topic, run) {
      reloaders.set(topic, [...(reloaders.get(topic) ?? []), run]);
    },
    async start() {
      if (started) return;
      started = true;
      await notifier.listen(
        CHANNEL,
        (payload) => {
          if ((topics as readonly string[]).includes(payload)) reload(payload as ChangeTopic);
        },
        // Messages sent before (or while reconnecting) were missed: reload everything.
        () => {
          for (const topic of topics) reload(topic);
        },
      );
    },
    close: () => notifier.close(),
  };
}
