import type { Socket } from "node:net";

/**
 * Shares PGlite's single backend session between many Postgres wire-protocol connections.
 *
 * PGlite is one Postgres backend: every connection's messages run in the same session. A
 * connection therefore owns the session from its first message until the backend is idle again
 * — a Sync or simple Query processed with no transaction block open — so neither an explicit
 * transaction nor an extended-protocol batch (Parse/Bind/Execute/Sync, whose unnamed statement
 * lives until Sync) can interleave with another connection's messages. Waiting connections are
 * served in arrival order.
 *
 * (`@electric-sql/pglite-socket` pins a connection only while a transaction block is open, so
 * extended-protocol batches from two connections interleave — electric-sql/pglite#1046.)
 */
export interface Backend {
  /** Runs complete frontend messages and returns the backend's reply bytes. */
  exec(messages: Uint8Array): Promise<Uint8Array>;
  /** Whether an explicit transaction block is open (including a failed one). */
  inTransaction(): boolean;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);

class Connection {
  buffer: Buffer = Buffer.alloc(0);
  started = false;
  /** Complete messages waiting for the session. */
  pending: Buffer[] = [];
  /** True between a batch's first message and the Sync/Query that ends it. */
  midBatch = false;
  closed = false;
  constructor(readonly socket: Socket) {}
}

export class WireSessions {
  #owner: Connection | null = null;
  #waiting: Connection[] = [];
  #running = false;
  #connections = new Set<Connection>();
  #closing = false;

  constructor(private readonly backend: Backend) {}

  /** Serves one accepted socket until it closes. */
  attach(socket: Socket): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    const conn = new Connection(socket);
    this.#connections.add(conn);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#receive(conn, chunk));
    socket.on("error", () => this.#drop(conn));
    socket.on("close", () => this.#drop(conn));
  }

  /** Number of open client connections. */
  get size(): number {
    return this.#connections.size;
  }

  /** Refuses new connections and closes open ones, rolling back what they left open. */
  async close(): Promise<void> {
    this.#closing = true;
    for (const conn of this.#connections) conn.socket.destroy();
    while (this.#running || this.#owner) await new Promise((r) => setTimeout(r, 5));
  }

  #receive(conn: Connection, chunk: Buffer): void {
    conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, chunk]) : chunk;
    for (;;) {
      const buf = conn.buffer;
      if (!conn.started) {
        if (buf.length < 8) return;
        const length = buf.readInt32BE(0);
        const code = buf.readInt32BE(4);
        if (buf.length < length) return;
        conn.buffer = buf.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          conn.socket.write("N");
          continue;
        }
        if (code === CANCEL_REQUEST) {
          // There is no other backend to signal; the query runs to its end.
          conn.socket.end();
          return;
        }
        if (code !== PROTOCOL_3) {
          conn.socket.destroy();
          return;
        }
        conn.started = true;
        conn.pending.push(Buffer.from(buf.subarray(0, length)));
        continue;
      }
      if (buf.length < 5) break;
      const length = 1 + buf.readInt32BE(1);
      if (buf.length < length) break;
      const message = buf.subarray(0, length);
      conn.buffer = buf.subarray(length);
      if (message[0] === TERMINATE) {
        conn.socket.end();
        return;
      }
      conn.pending.push(Buffer.from(message));
    }
    this.#enqueue(conn);
  }

  #enqueue(conn: Connection): void {
    if (conn.pending.length === 0 || conn === this.#owner || this.#waiting.includes(conn)) {
      this.#pump();
      return;
    }
    this.#waiting.push(conn);
    this.#pump();
  }

  #pump(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#run().finally(() => {
      this.#running = false;
      const owner = this.#owner;
      if (owner ? owner.pending.length > 0 || owner.closed : this.#waiting.length > 0) this.#pump();
    });
  }

  async #run(): Promise<void> {
    for (;;) {
      if (!this.#owner) {
        const next = this.#waiting.shift();
        if (!next) return;
        this.#owner = next;
      }
      const conn = this.#owner;
      if (conn.closed) {
        await this.#release(conn);
        continue;
      }
      if (conn.pending.length === 0) return; // owner mid-transaction, waiting for its next message
      // Run everything it sent, up to and including the message that may end its batch.
      let end = conn.pending.findIndex((m) => m[0] === SYNC || m[0] === QUERY || m[0] === 0);
      if (end === -1) end = conn.pending.length - 1;
      const batch = conn.pending.splice(0, end + 1);
      const last = batch[batch.length - 1] as Buffer;
      const endsBatch = last[0] === SYNC || last[0] === QUERY || last[0] === 0;
      let reply: Uint8Array;
      try {
        reply = await this.backend.exec(batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch));
      } catch (error) {
        // The engine itself failed (not an SQL error, which comes back as an ErrorResponse).
        conn.socket.destroy(error instanceof Error ? error : new Error(String(error)));
        conn.closed = true;
        continue;
      }
      if (reply.length && !conn.closed) conn.socket.write(reply);
      conn.midBatch = !endsBatch;
      if (endsBatch && !this.backend.inTransaction()) {
        this.#owner = null;
        if (conn.pending.length) this.#waiting.push(conn);
      }
    }
  }

  /** Leaves the session clean after its owner disconnected. */
  async #release(conn: Connection): Promise<void> {
    try {
      if (conn.midBatch) await this.backend.exec(SYNC_MESSAGE);
      if (this.backend.inTransaction()) await this.backend.exec(simpleQuery("ROLLBACK"));
    } finally {
      conn.midBatch = false;
      if (this.#owner === conn) this.#owner = null;
    }
  }

  #drop(conn: Connection): void {
    if (conn.closed && !this.#connections.has(conn)) return;
    conn.closed = true;
    conn.pending = [];
    this.#connections.delete(conn);
    this.#waiting = this.#waiting.filter((c) => c !== conn);
    if (this.#owner === conn) this.#pump();
  }
}

function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`, "utf8");
  const message = Buffer.alloc(5 + body.length);
  message[0] = QUERY;
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}
