import { DeliveryFailure, OutboxSender } from '../delivery/outbox-sender.js';
import type { Logger } from '../logger.js';
import { assertPeersInstalled } from '../shared/peer-dependency.js';
import type { Outbox, OutboxDelivery } from '../store/outbox.js';
import { EMAIL_CHANNEL, type StoredEmail } from './email-notifier.js';
import type { ResolvedEmailOptions } from './email-options.js';

/** What this sender uses of a nodemailer transporter (kept here so nodemailer's types stay out of the public ones). */
interface Transporter {
  sendMail(message: {
    from: { name: string; address: string } | string;
    to: string[];
    subject: string;
    text: string;
    messageId: string;
    signal: AbortSignal;
    disableFileAccess: boolean;
    disableUrlAccess: boolean;
  }): Promise<unknown>;
}

/**
 * Sends the batch emails of the store's outbox over SMTP, in its own loop (an
 * {@link OutboxSender} on the `email` channel): processing never waits for the mail
 * server. A refusal, a timeout or a server that cannot be reached is retried with
 * exponential backoff until `maxAttempts`, then the email is kept as dead.
 *
 * nodemailer is loaded at the first email, so a process without email never loads it.
 */
export function createEmailSender(outbox: Outbox, options: ResolvedEmailOptions, logger: Logger): OutboxSender {
  // nodemailer is an optional peer, loaded with the first email: named at engine construction.
  assertPeersInstalled('Email notifications (the engine option email)', 'nodemailer');
  let transporter: Promise<Transporter> | null = null;
  const connect = () => {
    transporter ??= createTransporter(options).catch((error: unknown) => {
      transporter = null;
      throw error;
    });
    return transporter;
  };
  return new OutboxSender(
    outbox,
    {
      channel: EMAIL_CHANNEL,
      label: 'email',
      send: async (delivery, signal) => sendEmail(await connect(), delivery, signal),
      timeoutMs: options.timeoutMs,
      maxAttempts: options.maxAttempts,
      backoff: options.backoff,
      pollIntervalMs: options.pollIntervalMs,
      fallbackReason: 'SMTP error',
    },
    logger,
  );
}

async function createTransporter(options: ResolvedEmailOptions): Promise<Transporter> {
  const { createTransport } = await import('nodemailer');
  const { smtp, timeoutMs } = options;
  return createTransport({
    host: smtp.host,
    ...(smtp.port === null ? {} : { port: smtp.port }),
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    ...(smtp.auth ? { auth: smtp.auth } : {}),
    tls: { minVersion: 'TLSv1.2', ...(smtp.ca ? { ca: smtp.ca } : {}) },
    // A connection per email, each step bounded by the attempt's own time limit.
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    logger: false,
    debug: false,
  }) as Transporter;
}

async function sendEmail(transporter: Transporter, delivery: OutboxDelivery, signal: AbortSignal): Promise<void> {
  const email = JSON.parse(delivery.body) as StoredEmail;
  try {
    await transporter.sendMail({
      from: email.from.name === null ? email.from.address : { name: email.from.name, address: email.from.address },
      to: email.to,
      subject: email.subject,
      text: email.text,
      messageId: email.message_id,
      signal,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  } catch (error) {
    throw new DeliveryFailure(smtpReason(error));
  }
}

/**
 * An SMTP error in words fit for a log: the server's reply code ("SMTP 451") or
 * nodemailer's error code ("ECONNECTION", "EAUTH", "ETLS"), never the server's text (it
 * may quote an address).
 */
function smtpReason(error: unknown): string {
  const { responseCode, code } = (error ?? {}) as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === 'number') return `SMTP ${responseCode}`;
  if (typeof code === 'string' && /^[A-Z_]{2,32}$/.test(code)) return code;
  return 'SMTP error';
}
