import postgres from "postgres";
import type { Database } from "./index.ts";
import { CONNECT_TIMEOUT_S } from "./postgres.ts";

/**
 * Messages between every process serving one database: Postgres `LISTEN/NOTIFY`. A message
 * reaches every listener, the sender's own included.
 */
export interface Notifier {
  /**
   * Calls `onMessage` with the payload of every notification on `channel`. `onReady` runs each
   * time the subscription is (re)established: messages sent while it was down are lost, so a
   * listener that caches state should reload it then.
   */
  listen(channel: string, onMessage: (payload: string) => void, onReady?: () => void): Promise<void>;
  /** Sends `payload` on `channel`; call it after the change it announces has committed. */
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * On Postgres, a dedicated postgres.js connection listens (postgres.js reconnects it and calls
 * `onReady` again) and notifications go through the server, so every instance hears them. On the
 * embedded database only one process may open the data directory (see data-dir-lock.ts), so
 * every listener lives in this process: messages are dispatched in process, after the current
 * call returns, which is what NOTIFY after commit amounts to. Listeners sharing one embedded
 * database object share one dispatcher.
 */
export function openNotifier(database: Database, url: string | undefined): Notifier {
  return url && database.driver === "postgres" ? postgresNotifier(url) : localNotifier(database);
}

function postgresNotifier(url: string): Notifier {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: CONNECT_TIMEOUT_S, idle_timeout: 60 });
  return {
    async listen(channel, onMessage, onReady) {
      await sql.listen(channel, onMessage, onReady);
    },
    async notify(channel, payload) {
      await sql.notify(channel, payload);
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

type Listeners = Map<string, Set<(payload: string) => void>>;
const localBuses = new WeakMap<Database, Listeners>();

function localNotifier(database: Database): Notifier {
  let bus = localBuses.get(database);
  if (!bus) {
    bus = new Map();
    localBuses.set(database, bus);
  }
  const listeners = bus;
  const mine: [string, (payload: string) => void][] = [];
  return {
    async listen(channel, onMessage, onReady) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(onMessage);
      mine.push([channel, onMessage]);
      onReady?.();
    },
    async notify(channel, payload) {
      for (const listener of listeners.get(channel) ?? []) queueMicrotask(() => listener(payload));
    },
    async close() {
      for (const [channel, listener] of mine) listeners.get(channel)?.delete(listener);
    },
  };
}
