import { isEmailAddress, parseMailbox, type Mailbox } from './email-address.js';

/**
 * Who gets the email of a batch of `workspace_id`: plain addresses; none sends no email.
 * Asked once per finished batch, when its email is written to the outbox.
 */
export type EmailRecipients = (state: { workspace_id: string }) => readonly string[] | Promise<readonly string[]>;

/**
 * The link an email offers to a finished batch, or null for none. It must be an http(s)
 * URL; put nothing in it but the batch id (no patient data in URLs).
 * @example ({ batch_id }) => `https://portal.example/uploads#batch=${batch_id}`
 */
export type BatchLink = (state: { batch_id: string; workspace_id: string }) => string | null;

/** Where and how the engine emails people when a batch finishes. */
export interface EmailOptions {
  /**
   * The SMTP server, with user and password (percent-encoded) when it needs them:
   * `smtp://` connects in clear and upgrades with STARTTLS when the server offers it — and
   * insists on it when the URL holds a password, which is never sent unencrypted;
   * `smtps://` is TLS from the first byte. Ports default to 587 and 465.
   * @example 'smtps://uploads%40clinic.example:app-password@smtp.clinic.example'
   */
  smtpUrl: string;
  /** The sender: `address` or `Name <address>`. @example 'Batch uploads <noreply@clinic.example>' */
  from: string;
  /** Who is told: the same addresses for every workspace, or a function of the workspace. */
  recipients: readonly string[] | EmailRecipients;
  /** The link to the batch in the email. @default null (no link) */
  batchLink?: BatchLink | null;
  /**
   * Certificates (PEM) the SMTP server's TLS certificate may chain to, instead of the
   * system's: for a mail relay with a private CA. (`NODE_EXTRA_CA_CERTS` adds to the
   * system's instead.) @default null (the system's CAs)
   */
  ca?: string | readonly string[] | null;
  /** How long one sending attempt may take before it counts as failed. @default 30000 */
  timeoutMs?: number;
  /** Attempts of one email before it is given up (kept in the outbox as dead). @default 12 */
  maxAttempts?: number;
  /** Delays between attempts: exponential from `baseMs`, capped at `maxMs`, jittered. @default { baseMs: 10000, maxMs: 3600000 } */
  backoff?: { baseMs: number; maxMs: number };
  /** How often an idle sender looks for due emails (retries, emails of other processes). @default 1000 */
  pollIntervalMs?: number;
}

/** Defaults of {@link EmailOptions}: 12 attempts over 1¾–3½ hours for a mail server that is down. */
export const EMAIL_DEFAULTS = Object.freeze({
  timeoutMs: 30_000,
  maxAttempts: 12,
  backoff: Object.freeze({ baseMs: 10_000, maxMs: 3_600_000 }),
  pollIntervalMs: 1_000,
});

/** How to reach the SMTP server, taken apart from `smtpUrl`. */
export interface SmtpServer {
  host: string;
  /** Null: the scheme's default (587, or 465 with `secure`). */
  port: number | null;
  /** TLS from the first byte (`smtps://`). */
  secure: boolean;
  /** Fail rather than go on without STARTTLS (a password is never sent in clear). */
  requireTLS: boolean;
  auth: { user: string; pass: string } | null;
  /** Trusted CAs (PEM) instead of the system's; null for the system's. */
  ca: string[] | null;
}

/** Email options with every default filled in and the URL and sender taken apart. */
export interface ResolvedEmailOptions {
  smtp: SmtpServer;
  from: Mailbox;
  recipients: EmailRecipients;
  batchLink: BatchLink | null;
  timeoutMs: number;
  maxAttempts: number;
  backoff: { baseMs: number; maxMs: number };
  pollIntervalMs: number;
}

/** Fills defaults and rejects options that cannot work, naming the option. */
export function resolveEmailOptions(options: EmailOptions): ResolvedEmailOptions {
  const smtp = parseSmtpUrl(options.smtpUrl, options.ca ?? null);
  const from = typeof options.from === 'string' ? parseMailbox(options.from) : null;
  if (!from) throw new TypeError('BatchEngine: "email.from" must be an email address, or "Name <address>".');
  let recipients: EmailRecipients;
  if (typeof options.recipients === 'function') {
    recipients = options.recipients;
  } else if (Array.isArray(options.recipients)) {
    const fixed = [...(options.recipients as readonly unknown[])];
    const bad = fixed.find((address) => typeof address !== 'string' || !isEmailAddress(address));
    if (bad !== undefined || fixed.length === 0) {
      throw new TypeError('BatchEngine: "email.recipients" must be a non-empty list of email addresses, or a function of the workspace.');
    }
    recipients = () => fixed as string[];
  } else {
    throw new TypeError('BatchEngine: "email.recipients" must be a list of email addresses, or a function ({ workspace_id }) => addresses.');
  }
  if (options.batchLink != null && typeof options.batchLink !== 'function') {
    throw new TypeError('BatchEngine: "email.batchLink" must be a function ({ batch_id, workspace_id }) => URL, or null.');
  }
  const resolved: ResolvedEmailOptions = {
    smtp,
    from,
    recipients,
    batchLink: options.batchLink ?? null,
    timeoutMs: options.timeoutMs ?? EMAIL_DEFAULTS.timeoutMs,
    maxAttempts: options.maxAttempts ?? EMAIL_DEFAULTS.maxAttempts,
    backoff: { ...EMAIL_DEFAULTS.backoff, ...options.backoff },
    pollIntervalMs: options.pollIntervalMs ?? EMAIL_DEFAULTS.pollIntervalMs,
  };
  for (const [name, value] of [
    ['timeoutMs', resolved.timeoutMs],
    ['maxAttempts', resolved.maxAttempts],
    ['backoff.baseMs', resolved.backoff.baseMs],
    ['backoff.maxMs', resolved.backoff.maxMs],
    ['pollIntervalMs', resolved.pollIntervalMs],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`BatchEngine: "email.${name}" must be a positive number, got ${String(value)}.`);
  }
  return resolved;
}

/** Takes `smtp://user:pass@host:port` apart; the message names the option, never its value (it holds a password). */
function parseSmtpUrl(text: unknown, ca: string | readonly string[] | null): SmtpServer {
  let url: URL | null = null;
  try {
    url = typeof text === 'string' ? new URL(text) : null;
  } catch {
    // Reported below.
  }
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw new TypeError('BatchEngine: "email.smtpUrl" must be an smtp:// or smtps:// URL with a host, e.g. "smtps://user:password@smtp.example.com".');
  }
  if (url.search !== '' || url.hash !== '' || (url.pathname !== '' && url.pathname !== '/')) {
    throw new TypeError('BatchEngine: "email.smtpUrl" takes no path, query or fragment: only smtp(s)://user:password@host:port.');
  }
  const user = safeDecode(url.username);
  const pass = safeDecode(url.password);
  if (user === null || pass === null || (user === '') !== (pass === '')) {
    throw new TypeError('BatchEngine: "email.smtpUrl" must hold both a user and a password (percent-encoded), or neither.');
  }
  const cas = ca === null ? null : typeof ca === 'string' ? [ca] : [...ca];
  if (cas !== null && (cas.length === 0 || cas.some((pem) => typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')))) {
    throw new TypeError('BatchEngine: "email.ca" must be PEM certificate text ("-----BEGIN CERTIFICATE-----…"), or a list of them.');
  }
  const secure = url.protocol === 'smtps:';
  const auth = user === '' ? null : { user, pass };
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? null : Number(url.port),
    secure,
    requireTLS: !secure && auth !== null,
    auth,
    ca: cas,
  };
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
