import type Nodemailer from "nodemailer";
import type { MailAttachment } from "./schema.ts";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | null | undefined;
  headers?: Record<string, string>;
  attachments?: MailAttachment[];
  /** Stable across retries so a receiving server can spot a duplicate. */
  messageId?: string;
}

/** Sends one message or throws. The outbox decides when and how often to call it. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** A Mailer over SMTP (nodemailer). `url` is `smtp://user:pass@host:port` or `smtps://…`. */
export function smtpMailer(url: string, from: string, options: { timeoutMs?: number } = {}): Mailer {
  const timeout = options.timeoutMs ?? 15_000;
  // Loaded only where mail goes out over SMTP: without SMTP_URL, a start never needs it.
  const nodemailer = require("nodemailer") as typeof Nodemailer;
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        headers: message.headers ?? {},
        ...(message.attachments?.length ? { attachments: message.attachments } : {}),
        ...(message.messageId ? { messageId: message.messageId } : {}),
      });
    },
    close: () => transport.close(),
  };
}
