import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isEmailAddress, parseMailbox } from '@batch-uploader/server';
import { PatientsFileError, readPatientsFile, type PatientEntry } from './patients.js';

/**
 * What a process does: `all` serves the API and processes files; `api` serves the API and
 * processes none (engine concurrency 0); `worker` processes files and serves only
 * `GET /health`. See docs/scaling.md for which background duty runs where.
 */
export type ServerRole = 'all' | 'api' | 'worker';

/** The values `ROLE` takes. */
export const SERVER_ROLES: readonly ServerRole[] = Object.freeze(['all', 'api', 'worker']);

/** Everything the demo server can be told, parsed once from the environment. */
export interface DemoConfig {
  /** What this process does: serve the API, process files, or both. */
  role: ServerRole;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to listen on. */
  host: string;
  /** Where records (SQLite), file bytes and temporary uploads live. */
  dataDir: string;
  /** Bearer token → workspace. Null runs the explicit dev mode (anonymous callers share one workspace). */
  apiTokens: Map<string, string> | null;
  /** Files processed at once by this process. */
  concurrency: number;
  /** Simulated extra time per file, so progress is visible in demos. */
  processingDelayMs: number;
  /** Most files in one batch. */
  maxFiles: number;
  /** Largest file, in MB. */
  maxFileSizeMb: number;
  /** Hours after a batch finished before its file bytes are removed. */
  retentionHours: number;
  /** Days after a batch finished before its record is removed (default 90); null (`off`) keeps history forever. */
  historyRetentionDays: number | null;
  /** How long a batch sent in several requests stays open for its next part, counted from its last request. */
  appendHoldSeconds: number;
  /** How long a worker's claim on a file lasts without renewal (crash recovery time). */
  leaseMs: number;
  /** Period of heartbeat comments on live event streams, so proxies keep them open. */
  heartbeatMs: number;
  /** Where the API is mounted. */
  basePath: string;
  /** pino log level. */
  logLevel: string;
  /** MongoDB connection string: records in MongoDB, bytes in GridFS; null keeps them under `dataDir`. */
  mongodbUri: string | null;
  /** Upload requests (new batches and appended files) each workspace may make per minute; 0 turns the limit off. */
  uploadRateLimit: number;
  /** A processing service each file is POSTed to (the HTTP processor); null uses the built-in `processor`. */
  processorUrl: string | null;
  /** The built-in processor: `documents` reads text, type and fields (OCR for scans); `inspect` only checks files. */
  processor: 'documents' | 'inspect';
  /** A folder of the workspace's own document templates (`*.json`), besides the built-in ones; null adds none. */
  templatesDir: string | null;
  /** Pages of each document the documents processor reads (text layer or OCR), from the first. */
  readMaxPages: number;
  /** How long the processing service may take for one file. */
  processorTimeoutMs: number;
  /** Where `batch.completed` and `file.failed` webhook events are POSTed; null sends none. */
  webhookUrl: string | null;
  /** Key of the webhooks' HMAC-SHA256 signature (required with `webhookUrl`). */
  webhookSecret: string | null;
  /** A request, body included, must arrive within this time (408 past it). */
  requestTimeoutMs: number;
  /** A request's headers must arrive within this time. */
  headersTimeoutMs: number;
  /** A connection with nothing arriving for this long while a request comes in (or with no request) is closed. */
  idleTimeoutMs: number;
  /** An idle keep-alive connection between requests is closed after this time. */
  keepAliveTimeoutMs: number;
  /** Connections held at once; more are refused. */
  maxConnections: number;
  /** A temporary upload no request holds any more (left by a crash) is removed once untouched this long. */
  abandonedUploadMs: number;
  /** An unfinished resumable upload is removed, with its bytes, this long after it began. */
  resumableExpireHours: number;
  /** Who may show the demo pages in a frame: the CSP `frame-ancestors` sources, e.g. `'self' https://portal.example`. */
  frameAncestors: string;
  /** Serve the source maps of the bundles (`.map`); they show the sources to anyone who asks. */
  serveSourceMaps: boolean;
  /** The SMTP server batch emails go through (`smtp://` or `smtps://`, user and password in it); null sends no email. */
  smtpUrl: string | null;
  /** The sender of batch emails: `address` or `Name <address>` (required with `smtpUrl`). */
  notifyEmailFrom: string | null;
  /** Who gets an email when a batch of any workspace finishes (required with `smtpUrl`). */
  notifyEmailTo: string[];
  /** PEM certificates the SMTP server's certificate may chain to, read from `SMTP_CA_FILE`; null trusts the system's CAs. */
  smtpCa: string | null;
  /** Where people reach this server (no trailing slash), for the link in batch emails; null puts no link. */
  publicUrl: string | null;
  /** Origins of portals on other origins whose pages may call the API (CORS); empty grants none. */
  corsOrigins: string[];
  /** Let those pages send cookies with their requests (requires `corsOrigins`). */
  corsCredentials: boolean;
  /** A cookie that may carry an `API_TOKENS` token instead of the Authorization header; null reads none. */
  authCookie: string | null;
  /**
   * The patient registry of the wrong-patient guard, read from `PATIENTS_FILE` at start;
   * null checks no document against a patient.
   */
  patients: PatientEntry[] | null;
}

/** Raised for a setting that cannot work; the message names the variable and what it takes. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the configuration from environment variables (see the README's table). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  return {
    role: role(env.ROLE),
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR?.trim() || './data'),
    apiTokens: parseTokens(env.API_TOKENS),
    concurrency: int(env, 'CONCURRENCY', 3, 1, 64),
    processingDelayMs: int(env, 'PROCESSING_DELAY_MS', 1000, 0, 600_000),
    maxFiles: int(env, 'MAX_FILES', 50, 1, 10_000),
    maxFileSizeMb: num(env, 'MAX_FILE_SIZE_MB', 50, 0.001, 4096),
    retentionHours: num(env, 'RETENTION_HOURS', 24, 0, 24 * 3650),
    historyRetentionDays: historyDays(env),
    appendHoldSeconds: int(env, 'APPEND_HOLD_SECONDS', 600, 1, 7 * 86_400),
    leaseMs: int(env, 'LEASE_MS', 15_000, 500, 3_600_000),
    heartbeatMs: int(env, 'SSE_HEARTBEAT_MS', 15_000, 100, 600_000),
    basePath: basePath(env.BASE_PATH),
    logLevel: logLevel(env.LOG_LEVEL),
    mongodbUri: env.MONGODB_URI?.trim() || null,
    uploadRateLimit: int(env, 'UPLOAD_RATE_LIMIT', 60, 0, 1_000_000),
    processorUrl: httpUrl(env, 'PROCESSOR_URL'),
    processor: processorKind(env.PROCESSOR),
    templatesDir: env.TEMPLATES_DIR?.trim() ? resolve(env.TEMPLATES_DIR.trim()) : null,
    readMaxPages: int(env, 'READ_MAX_PAGES', 3, 1, 1000),
    processorTimeoutMs: int(env, 'PROCESSOR_TIMEOUT_MS', 60_000, 100, 3_600_000),
    ...webhook(env),
    ...timeouts(env),
    abandonedUploadMs: int(env, 'ABANDONED_UPLOAD_MS', 120_000, 1_000, 86_400_000),
    resumableExpireHours: int(env, 'RESUMABLE_EXPIRE_HOURS', 24, 1, 30 * 24),
    frameAncestors: frameAncestors(env.FRAME_ANCESTORS),
    serveSourceMaps: bool(env, 'SERVE_SOURCE_MAPS', false),
    ...emailSettings(env),
    ...crossOrigin(env),
    patients: patients(env),
  };
}

/** `PATIENTS_FILE`: read and checked now, so a wrong file stops the start with a sentence. */
function patients(env: NodeJS.ProcessEnv): PatientEntry[] | null {
  const path = env.PATIENTS_FILE?.trim();
  if (!path) return null;
  try {
    return readPatientsFile(resolve(path));
  } catch (error) {
    if (error instanceof PatientsFileError) throw new ConfigError(error.message);
    throw error;
  }
}

/** The configuration tests start from: quiet, no simulated delay, a given data folder. */
export function defaultConfig(dataDir: string): DemoConfig {
  return { ...configFromEnv({}), dataDir, port: 0, processingDelayMs: 0, logLevel: 'silent' };
}

/** Parses `token:workspace,token2:workspace2`. */
export function parseTokens(text: string | undefined): Map<string, string> | null {
  if (text === undefined || text.trim() === '') return null;
  const tokens = new Map<string, string>();
  for (const entry of text.split(',')) {
    const pair = entry.trim();
    if (pair === '') continue;
    const colon = pair.lastIndexOf(':');
    const token = pair.slice(0, colon).trim();
    const workspace = pair.slice(colon + 1).trim();
    if (colon <= 0 || !token || !workspace || /\s/.test(token)) {
      throw new ConfigError('API_TOKENS must look like "token:workspace,token2:workspace2" (no spaces in tokens).');
    }
    if (token.length < 16) throw new ConfigError('API_TOKENS: every token must be at least 16 characters long.');
    tokens.set(token, workspace);
  }
  if (tokens.size === 0) throw new ConfigError('API_TOKENS is set but names no token.');
  return tokens;
}

/** Log levels, quietest last. */
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** `LOG_LEVEL`: `info` unless set. */
function logLevel(text: string | undefined): string {
  const value = text?.trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${text?.trim()}".`);
  }
  return value;
}

/** `ROLE`: `all` unless set. */
function role(text: string | undefined): ServerRole {
  const value = text?.trim().toLowerCase() || 'all';
  if (!(SERVER_ROLES as readonly string[]).includes(value)) {
    throw new ConfigError(`ROLE must be "all" (serve the API and process files), "api" (serve only) or "worker" (process only), got "${text?.trim()}".`);
  }
  return value as ServerRole;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = num(env, name, fallback, min, max);
  if (!Number.isInteger(value)) throw new ConfigError(`${name} must be a whole number.`);
  return value;
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${text}".`);
  }
  return value;
}

function timeouts(env: NodeJS.ProcessEnv) {
  const requestTimeoutMs = int(env, 'REQUEST_TIMEOUT_MS', 3_600_000, 1_000, 86_400_000);
  const headersTimeoutMs = int(env, 'HEADERS_TIMEOUT_MS', 20_000, 100, 600_000);
  if (headersTimeoutMs > requestTimeoutMs) throw new ConfigError('HEADERS_TIMEOUT_MS cannot be longer than REQUEST_TIMEOUT_MS.');
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    idleTimeoutMs: int(env, 'IDLE_TIMEOUT_MS', 60_000, 100, 3_600_000),
    keepAliveTimeoutMs: int(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    maxConnections: int(env, 'MAX_CONNECTIONS', 1_000, 1, 1_000_000),
  };
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const text = env[name]?.trim().toLowerCase();
  if (!text) return fallback;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${text}".`);
}

/**
 * `FRAME_ANCESTORS`: `'self'`, `'none'`, or `'self'` and/or origins such as
 * `https://portal.example` or `https://*.portal.example` (quotes around self and none
 * may be left out). Anything else is refused: the value goes into a response header.
 */
export function frameAncestors(text: string | undefined): string {
  const sources = (text?.trim() || "'self'").split(/\s+/).map((s) => (/^'?(self|none)'?$/i.test(s) ? `'${s.replace(/'/g, '').toLowerCase()}'` : s));
  const origin = /^https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?\/?$/i;
  const bad = sources.find((s) => s !== "'self'" && s !== "'none'" && !origin.test(s));
  if (bad !== undefined || (sources.includes("'none'") && sources.length > 1)) {
    throw new ConfigError(
      `FRAME_ANCESTORS must be 'self', 'none', or origins that may frame the pages separated by spaces, e.g. "'self' https://portal.example"${bad === undefined ? " ('none' stands alone)" : `; "${bad}" is not one`}.`,
    );
  }
  return sources.map((s) => s.replace(/\/$/, '')).join(' ');
}

/** HISTORY_RETENTION_DAYS: 90 unless set; `off` keeps history forever (`0` is refused: it reads as "at once"). */
function historyDays(env: NodeJS.ProcessEnv): number | null {
  const text = env.HISTORY_RETENTION_DAYS?.trim();
  if (text?.toLowerCase() === 'off') return null;
  if (text === '0') throw new ConfigError('HISTORY_RETENTION_DAYS must be a number of days from 1 to 36500, or "off" to keep history forever.');
  return num(env, 'HISTORY_RETENTION_DAYS', 90, 1, 36500);
}

function webhook(env: NodeJS.ProcessEnv): Pick<DemoConfig, 'webhookUrl' | 'webhookSecret'> {
  const url = env.WEBHOOK_URL?.trim() || null;
  const secret = env.WEBHOOK_SECRET?.trim() || null;
  if (url === null) {
    if (secret !== null) throw new ConfigError('WEBHOOK_SECRET is set but WEBHOOK_URL is not: set both, or neither.');
    return { webhookUrl: null, webhookSecret: null };
  }
  if (secret === null || secret.length < 16) {
    throw new ConfigError('WEBHOOK_SECRET must be set with WEBHOOK_URL, at least 16 characters (receivers check signatures with it).');
  }
  return { webhookUrl: httpUrl(env, 'WEBHOOK_URL'), webhookSecret: secret };
}

/** An optional http(s) URL setting; null when unset. */
function processorKind(text: string | undefined): 'documents' | 'inspect' {
  const value = text?.trim() || 'documents';
  if (value !== 'documents' && value !== 'inspect') throw new ConfigError('PROCESSOR must be "documents" or "inspect".');
  return value;
}

function httpUrl(env: NodeJS.ProcessEnv, name: string): string | null {
  const text = env[name]?.trim();
  if (!text) return null;
  let parsed: URL | null = null;
  try {
    parsed = new URL(text);
  } catch {
    // Reported below.
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ConfigError(`${name} must be an http:// or https:// URL, e.g. "https://service.example/path".`);
  }
  return parsed.href;
}

function basePath(text: string | undefined): string {
  const path = text?.trim() || '/api/gp';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) throw new ConfigError('BASE_PATH must look like /api/gp.');
  return path;
}

/**
 * The batch email settings: `SMTP_URL`, `NOTIFY_EMAIL_FROM`, `NOTIFY_EMAIL_TO`,
 * `SMTP_CA_FILE` and `PUBLIC_URL`. Unset `SMTP_URL`: no email. Messages about `SMTP_URL`
 * never quote it (it holds a password).
 */
export function emailSettings(env: NodeJS.ProcessEnv): Pick<DemoConfig, 'smtpUrl' | 'notifyEmailFrom' | 'notifyEmailTo' | 'smtpCa' | 'publicUrl'> {
  const publicUrl = httpUrl(env, 'PUBLIC_URL')?.replace(/\/+$/, '') ?? null;
  const smtpUrl = env.SMTP_URL?.trim() || null;
  const from = env.NOTIFY_EMAIL_FROM?.trim() || null;
  const to = env.NOTIFY_EMAIL_TO?.trim() || null;
  const caFile = env.SMTP_CA_FILE?.trim() || null;
  if (smtpUrl === null) {
    const stray = from !== null ? 'NOTIFY_EMAIL_FROM' : to !== null ? 'NOTIFY_EMAIL_TO' : caFile !== null ? 'SMTP_CA_FILE' : null;
    if (stray) throw new ConfigError(`${stray} is set but SMTP_URL is not: batch emails need SMTP_URL, NOTIFY_EMAIL_FROM and NOTIFY_EMAIL_TO.`);
    return { smtpUrl: null, notifyEmailFrom: null, notifyEmailTo: [], smtpCa: null, publicUrl };
  }
  checkSmtpUrl(smtpUrl);
  if (from === null)
    throw new ConfigError('NOTIFY_EMAIL_FROM must be set with SMTP_URL: the sender of batch emails, e.g. "Batch uploads <noreply@clinic.example>".');
  if (!parseMailbox(from)) throw new ConfigError(`NOTIFY_EMAIL_FROM must be an email address or "Name <address>", got "${from}".`);
  if (to === null) throw new ConfigError('NOTIFY_EMAIL_TO must be set with SMTP_URL: comma-separated addresses that get an email when a batch finishes.');
  const recipients = [
    ...new Set(
      to
        .split(',')
        .map((address) => address.trim())
        .filter((address) => address !== ''),
    ),
  ];
  const bad = recipients.find((address) => !isEmailAddress(address));
  if (bad !== undefined) throw new ConfigError(`NOTIFY_EMAIL_TO must be comma-separated email addresses; "${bad}" is not one.`);
  if (recipients.length === 0) throw new ConfigError('NOTIFY_EMAIL_TO names no address.');
  return { smtpUrl, notifyEmailFrom: from, notifyEmailTo: recipients, smtpCa: caFile === null ? null : readCa(caFile), publicUrl };
}

function checkSmtpUrl(text: string): void {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // Reported below.
  }
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL with a host, e.g. "smtps://user:password@smtp.example.com:465".');
  }
  if (url.search !== '' || url.hash !== '' || (url.pathname !== '' && url.pathname !== '/')) {
    throw new ConfigError('SMTP_URL takes no path or query: smtp(s)://user:password@host:port.');
  }
  if ((url.username === '') !== (url.password === '')) {
    throw new ConfigError('SMTP_URL must hold both a user and a password (percent-encode "@", ":" and "/" in them), or neither.');
  }
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw new ConfigError('SMTP_URL: the user or password has a broken percent-encoding.');
  }
}

function readCa(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`SMTP_CA_FILE cannot be read: "${path}".`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new ConfigError(`SMTP_CA_FILE must hold PEM certificates ("-----BEGIN CERTIFICATE-----"): "${path}".`);
  return text;
}

/**
 * `CORS_ORIGINS` (exact origins, comma-separated), `CORS_CREDENTIALS` and `AUTH_COOKIE`.
 * An origin is `scheme://host[:port]` as a browser sends it, never a wildcard; cookies
 * need origins to send them from, and a token cookie needs tokens.
 */
function crossOrigin(env: NodeJS.ProcessEnv): Pick<DemoConfig, 'corsOrigins' | 'corsCredentials' | 'authCookie'> {
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const origin of corsOrigins) {
    if (!isOrigin(origin)) {
      throw new ConfigError(
        `CORS_ORIGINS must list exact origins (scheme://host[:port], no path, no wildcard) separated by commas, e.g. "https://portal.example,http://localhost:8080"; "${origin}" is not one.`,
      );
    }
  }
  const corsCredentials = bool(env, 'CORS_CREDENTIALS', false);
  if (corsCredentials && corsOrigins.length === 0) throw new ConfigError('CORS_CREDENTIALS=true needs CORS_ORIGINS: the origins whose pages may send cookies.');
  const authCookie = env.AUTH_COOKIE?.trim() || null;
  if (authCookie !== null && !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(authCookie)) {
    throw new ConfigError(`AUTH_COOKIE must be a cookie name (letters, digits and !#$%&'*+.^_\`|~-), e.g. "batch_uploader_token".`);
  }
  if (authCookie !== null && !env.API_TOKENS?.trim()) {
    throw new ConfigError('AUTH_COOKIE needs API_TOKENS: the cookie carries one of its tokens (dev mode lets everyone in anyway).');
  }
  return { corsOrigins, corsCredentials, authCookie };
}

/** `scheme://host[:port]` exactly as a browser sends it in `Origin`: http or https, no path, no trailing slash. */
function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text && !text.includes('*');
  } catch {
    return false;
  }
}
