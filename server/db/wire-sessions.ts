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
 * One exception keeps a slow client from holding everyone up: a client that asks the backend to
 * describe an unnamed statement before binding it (Parse, Describe, Flush — postgres.js does this
 * for every parameterized query it has not prepared) must wait for the reply before it can send
 * the Bind. Outside a transaction block nothing but that unnamed statement is pending, so the
 * session is lent to others meanwhile. Before anyone else runs, a Sync of our own (its reply
 * kept from the client) ends the implicit transaction the Parse opened, so the next connection
 * starts clean (its BEGIN, its snapshot, its SET TRANSACTION); if anyone else ran, the
 * connection's Parse is sent again ahead of its Bind (and its second ParseComplete dropped).
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
const PARSE = 0x50; // 'P'
const FLUSH = 0x48; // 'H'
const PARSE_COMPLETE = 0x31; // '1'
const ERROR_RESPONSE = 0x45; // 'E'
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);

class Connection {
  buffer: Buffer = Buffer.alloc(0);
  started = false;
  /** Complete messages waiting for the session. */
  pending: Buffer[] = [];
  /** True between a batch's first message and the Sync/Query that ends it. */
  midBatch = false;
  /** The Parse of an unnamed statement to send again when the session was lent out meanwhile. */
  reparse: Buffer | null = null;
  /** The session's run count when this connection lent it out. */
  lentAt = 0;
  closed = false;
  constructor(readonly socket: Socket) {}
}

export class WireSessions {
  #owner: Connection | null = null;
  #waiting: Connection[] = [];
  #running = false;
  #connections = new Set<Connection>();
  #closing = false;
  /** Batches run so far: tells a connection that lent the session whether anyone else ran. */
  #runs = 0;
  /** The connection that lent the session with its Parse's implicit transaction still open. */
  #lender: Connection | null = null;

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
      const lender = this.#lender;
      this.#lender = null;
      if (lender && lender !== conn) {
        // Ends the lender's implicit transaction; the ReadyForQuery is ours, not the client's.
        await this.backend.exec(SYNC_MESSAGE);
        this.#runs++;
      }
      const resend = conn.reparse !== null && conn.lentAt !== this.#runs ? conn.reparse : null;
      conn.reparse = null;
      if (resend) batch.unshift(resend);
      let reply: Uint8Array;
      try {
        reply = await this.backend.exec(batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch));
      } catch (error) {
        // The engine itself failed (not an SQL error, which comes back as an ErrorResponse).
        conn.socket.destroy(error instanceof Error ? error : new Error(String(error)));
        conn.closed = true;
        continue;
      }
      this.#runs++;
      // The client sent that Parse once and expects one ParseComplete.
      if (resend && reply[0] === PARSE_COMPLETE) reply = reply.subarray(5);
      if (reply.length && !conn.closed) conn.socket.write(reply);
      conn.midBatch = !endsBatch;
      if (endsBatch && !this.backend.inTransaction()) {
        this.#owner = null;
        if (conn.pending.length) this.#waiting.push(conn);
      } else if (!endsBatch && conn.pending.length === 0 && this.#canLend(batch, reply)) {
        conn.reparse = batch.find(isUnnamedParse) ?? null;
        conn.lentAt = this.#runs;
        this.#lender = conn;
        conn.midBatch = false;
        this.#owner = null;
      }
    }
  }

  /**
   * Whether the session can be lent out while its owner waits for a describe reply: the batch
   * ended with Flush, only the unnamed statement is pending (no transaction block, no portal),
   * and it did not fail (a failed batch skips everything until its owner's Sync).
   */
  #canLend(batch: Buffer[], reply: Uint8Array): boolean {
    if ((batch[batch.length - 1] as Buffer)[0] !== FLUSH || this.backend.inTransaction()) return false;
    if (!batch.every((m) => m[0] === FLUSH || isUnnamedParse(m) || isDescribeUnnamedStatement(m))) return false;
    return !hasMessage(reply, ERROR_RESPONSE);
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

/** A Parse message for the unnamed statement (its name, right after the length, is empty). */
function isUnnamedParse(message: Buffer): boolean {
  return message[0] === PARSE && message[5] === 0;
}

/** Describe of the unnamed statement: 'D', length, 'S', empty name. */
function isDescribeUnnamedStatement(message: Buffer): boolean {
  return message[0] === 0x44 && message[5] === 0x53 && message[6] === 0;
}

/** Whether a backend reply holds a message of the given type. */
function hasMessage(reply: Uint8Array, type: number): boolean {
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  for (let at = 0; at + 5 <= reply.length; at += 1 + view.getInt32(at + 1)) if (reply[at] === type) return true;
  return false;
}

function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`, "utf8");
  const message = Buffer.alloc(5 + body.length);
  message[0] = QUERY;
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}
