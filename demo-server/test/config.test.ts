import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAIN } from './child-server.js';
import { configFromEnv, ConfigError, parseTokens } from '../src/config.js';
import { emailOptions } from '../src/notifications.js';

describe('configuration from the environment', () => {
  it('has working defaults', () => {
    const config = configFromEnv({});
    assert.equal(config.port, 3000);
    assert.equal(config.concurrency, 3);
    assert.equal(config.maxFiles, 50);
    assert.equal(config.maxFileSizeMb, 50);
    assert.equal(config.retentionHours, 24);
    assert.equal(config.apiTokens, null, 'no tokens means dev mode');
    assert.equal(config.basePath, '/api/gp');
  });

  it('reads every documented variable', () => {
    const config = configFromEnv({
      PORT: '8080',
      DATA_DIR: '/tmp/x',
      API_TOKENS: 'abcdefghijklmnop:clinic-a, qrstuvwxyz012345:clinic-b',
      CONCURRENCY: '5',
      PROCESSING_DELAY_MS: '0',
      MAX_FILES: '10',
      MAX_FILE_SIZE_MB: '2.5',
      RETENTION_HOURS: '1',
      LEASE_MS: '5000',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, '/tmp/x');
    assert.deepEqual(
      [...config.apiTokens!],
      [
        ['abcdefghijklmnop', 'clinic-a'],
        ['qrstuvwxyz012345', 'clinic-b'],
      ],
    );
    assert.equal(config.concurrency, 5);
    assert.equal(config.maxFiles, 10);
    assert.equal(config.maxFileSizeMb, 2.5);
    assert.equal(config.leaseMs, 5000);
  });

  it('refuses values that cannot work, naming the variable', () => {
    assert.throws(
      () => configFromEnv({ CONCURRENCY: '0' }),
      (e: unknown) => e instanceof ConfigError && /CONCURRENCY/.test(e.message),
    );
    assert.throws(() => configFromEnv({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => configFromEnv({ MAX_FILES: '2.5' }), /MAX_FILES/);
    assert.throws(() => parseTokens('no-workspace'), /API_TOKENS/);
    assert.throws(() => parseTokens('short:ws'), /16 characters/);
    assert.throws(() => configFromEnv({ LOG_LEVEL: 'verbose' }), /LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"/);
    assert.equal(configFromEnv({ LOG_LEVEL: ' DEBUG ' }).logLevel, 'debug');
  });

  it('npm start stops with a message naming the variable: a bad LOG_LEVEL, a HOST not of this machine, a PORT in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const dataDir = await mkdtemp(join(tmpdir(), 'start-fail-'));
    try {
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of/],
        [{ HOST: '192.0.2.1' }, /HOST \\"192\.0\.2\.1\\" is not an address of this machine/],
        [{ PORT: String((taken.address() as AddressInfo).port) }, /PORT \d+ is in use by another program/],
      ];
      for (const [env, expected] of cases) {
        const { code, output } = await runMain({ DATA_DIR: dataDir, PORT: '0', ...env });
        assert.equal(code, 1, JSON.stringify(env));
        assert.match(output, expected);
        assert.doesNotMatch(output, /\n\s+at /, `no stack trace: ${output}`);
      }
    } finally {
      taken.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('reads who may frame the pages, refusing what would break the header', () => {
    assert.equal(configFromEnv({}).frameAncestors, "'self'");
    assert.equal(configFromEnv({ FRAME_ANCESTORS: 'none' }).frameAncestors, "'none'");
    assert.equal(
      configFromEnv({ FRAME_ANCESTORS: "'self'  https://portal.example https://*.ehr.example:8443/" }).frameAncestors,
      "'self' https://portal.example https://*.ehr.example:8443",
    );
    for (const bad of ['*', 'https://x; script-src *', 'javascript:alert(1)', "'none' https://portal.example", 'portal.example"']) {
      assert.throws(
        () => configFromEnv({ FRAME_ANCESTORS: bad }),
        (e: unknown) => e instanceof ConfigError && /FRAME_ANCESTORS/.test(e.message),
        bad,
      );
    }
  });

  it('reads the connection limits, with defaults that let a slow upload finish', () => {
    const defaults = configFromEnv({});
    assert.equal(defaults.requestTimeoutMs, 3_600_000);
    assert.equal(defaults.headersTimeoutMs, 20_000);
    assert.equal(defaults.idleTimeoutMs, 60_000);
    assert.equal(defaults.keepAliveTimeoutMs, 5_000);
    assert.equal(defaults.maxConnections, 1_000);
    const set = configFromEnv({
      REQUEST_TIMEOUT_MS: '600000',
      HEADERS_TIMEOUT_MS: '10000',
      IDLE_TIMEOUT_MS: '30000',
      KEEP_ALIVE_TIMEOUT_MS: '65000',
      MAX_CONNECTIONS: '200',
    });
    assert.deepEqual(
      [set.requestTimeoutMs, set.headersTimeoutMs, set.idleTimeoutMs, set.keepAliveTimeoutMs, set.maxConnections],
      [600_000, 10_000, 30_000, 65_000, 200],
    );
    assert.throws(() => configFromEnv({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '10000' }), /HEADERS_TIMEOUT_MS/);
    assert.throws(() => configFromEnv({ IDLE_TIMEOUT_MS: '0' }), /IDLE_TIMEOUT_MS/);
    assert.throws(() => configFromEnv({ MAX_CONNECTIONS: '0' }), /MAX_CONNECTIONS/);
  });

  it('reads how long an abandoned upload waits before it is deleted', () => {
    assert.equal(configFromEnv({}).abandonedUploadMs, 120_000);
    assert.equal(configFromEnv({ ABANDONED_UPLOAD_MS: '30000' }).abandonedUploadMs, 30_000);
    assert.throws(() => configFromEnv({ ABANDONED_UPLOAD_MS: '10' }), /ABANDONED_UPLOAD_MS/);
  });

  it('serves source maps only when asked', () => {
    assert.equal(configFromEnv({}).serveSourceMaps, false);
    assert.equal(configFromEnv({ SERVE_SOURCE_MAPS: 'true' }).serveSourceMaps, true);
    assert.equal(configFromEnv({ SERVE_SOURCE_MAPS: '0' }).serveSourceMaps, false);
    assert.throws(() => configFromEnv({ SERVE_SOURCE_MAPS: 'yes please' }), /SERVE_SOURCE_MAPS/);
  });

  it('reads the webhook settings, and refuses a URL without a strong secret', () => {
    const config = configFromEnv({ WEBHOOK_URL: 'https://ehr.example/hooks', WEBHOOK_SECRET: 'a-long-shared-secret-0123' });
    assert.equal(config.webhookUrl, 'https://ehr.example/hooks');
    assert.equal(config.webhookSecret, 'a-long-shared-secret-0123');
    assert.equal(configFromEnv({}).webhookUrl, null);
    assert.throws(() => configFromEnv({ WEBHOOK_URL: 'https://ehr.example/hooks' }), /WEBHOOK_SECRET/);
    assert.throws(() => configFromEnv({ WEBHOOK_URL: 'https://ehr.example/hooks', WEBHOOK_SECRET: 'short' }), /16 characters/);
    assert.throws(() => configFromEnv({ WEBHOOK_URL: 'ftp://ehr.example', WEBHOOK_SECRET: 'a-long-shared-secret-0123' }), /WEBHOOK_URL/);
    assert.throws(() => configFromEnv({ WEBHOOK_SECRET: 'a-long-shared-secret-0123' }), /WEBHOOK_URL/);
  });

  it('reads the role: all unless set; api or worker; anything else refused, naming the variable', () => {
    assert.equal(configFromEnv({}).role, 'all');
    assert.equal(configFromEnv({ ROLE: 'api' }).role, 'api');
    assert.equal(configFromEnv({ ROLE: ' Worker ' }).role, 'worker');
    assert.equal(configFromEnv({ ROLE: 'all' }).role, 'all');
    assert.throws(
      () => configFromEnv({ ROLE: 'processor' }),
      (error: unknown) => error instanceof ConfigError && /ROLE must be "all".*"processor"/.test(error.message),
    );
  });

  it('reads the processing service settings', () => {
    const config = configFromEnv({ PROCESSOR_URL: 'http://ocr.internal:8080/process', PROCESSOR_TIMEOUT_MS: '30000' });
    assert.equal(config.processorUrl, 'http://ocr.internal:8080/process');
    assert.equal(config.processorTimeoutMs, 30_000);
    assert.equal(configFromEnv({}).processorUrl, null);
    assert.equal(configFromEnv({}).processorTimeoutMs, 60_000);
    assert.throws(() => configFromEnv({ PROCESSOR_URL: 'ocr.internal' }), /PROCESSOR_URL/);
    assert.throws(() => configFromEnv({ PROCESSOR_TIMEOUT_MS: '5' }), /PROCESSOR_TIMEOUT_MS/);
  });

  it('reads documents by default; PROCESSOR=inspect only checks; TEMPLATES_DIR and READ_MAX_PAGES', () => {
    const defaults = configFromEnv({});
    assert.equal(defaults.processor, 'documents');
    assert.equal(defaults.templatesDir, null);
    assert.equal(defaults.readMaxPages, 3);
    const config = configFromEnv({ PROCESSOR: 'inspect', TEMPLATES_DIR: './my-templates', READ_MAX_PAGES: '5' });
    assert.equal(config.processor, 'inspect');
    assert.match(config.templatesDir!, /my-templates$/);
    assert.equal(config.readMaxPages, 5);
    assert.throws(
      () => configFromEnv({ PROCESSOR: 'ocr' }),
      (error: unknown) => error instanceof ConfigError && /PROCESSOR/.test(error.message),
    );
    assert.throws(() => configFromEnv({ READ_MAX_PAGES: '0' }), /READ_MAX_PAGES/);
  });

  it('keeps batch records 90 days unless told otherwise; "off" keeps them forever, 0 is refused', () => {
    assert.equal(configFromEnv({}).historyRetentionDays, 90);
    assert.equal(configFromEnv({ HISTORY_RETENTION_DAYS: '365' }).historyRetentionDays, 365);
    assert.equal(configFromEnv({ HISTORY_RETENTION_DAYS: 'off' }).historyRetentionDays, null);
    assert.equal(configFromEnv({ HISTORY_RETENTION_DAYS: 'OFF' }).historyRetentionDays, null);
    assert.throws(
      () => configFromEnv({ HISTORY_RETENTION_DAYS: '0' }),
      (e: unknown) => e instanceof ConfigError && /HISTORY_RETENTION_DAYS.*"off"/.test(e.message),
    );
    assert.throws(() => configFromEnv({ HISTORY_RETENTION_DAYS: 'forever' }), /HISTORY_RETENTION_DAYS/);
  });

  it('limits uploads per workspace by default, and 0 turns the limit off', () => {
    assert.equal(configFromEnv({}).uploadRateLimit, 60);
    assert.equal(configFromEnv({ UPLOAD_RATE_LIMIT: '0' }).uploadRateLimit, 0);
    assert.equal(configFromEnv({ UPLOAD_RATE_LIMIT: '5' }).uploadRateLimit, 5);
    assert.throws(() => configFromEnv({ UPLOAD_RATE_LIMIT: '-1' }), /UPLOAD_RATE_LIMIT/);
    assert.throws(() => configFromEnv({ UPLOAD_RATE_LIMIT: '1.5' }), /UPLOAD_RATE_LIMIT/);
  });
  it('reads the batch email settings, and refuses what cannot work, naming the variable and never quoting SMTP_URL', () => {
    const env = {
      SMTP_URL: 'smtps://uploads%40clinic.example:s3cret-pass@smtp.clinic.example:465',
      NOTIFY_EMAIL_FROM: 'Clinic uploads <noreply@clinic.example>',
      NOTIFY_EMAIL_TO: ' manager@clinic.example, deputy@clinic.example ,manager@clinic.example',
      PUBLIC_URL: 'https://uploads.clinic.example/',
    };
    const config = configFromEnv(env);
    assert.equal(config.smtpUrl, env.SMTP_URL);
    assert.equal(config.notifyEmailFrom, 'Clinic uploads <noreply@clinic.example>');
    assert.deepEqual(config.notifyEmailTo, ['manager@clinic.example', 'deputy@clinic.example']);
    assert.equal(config.publicUrl, 'https://uploads.clinic.example');
    assert.equal(config.smtpCa, null);
    const options = emailOptions(config)!;
    assert.deepEqual(options.recipients, ['manager@clinic.example', 'deputy@clinic.example']);
    assert.equal(options.batchLink?.({ batch_id: 'b-1', workspace_id: 'clinic-a' }), 'https://uploads.clinic.example/batch-upload#batch=b-1');
    assert.equal(emailOptions(configFromEnv({ ...env, PUBLIC_URL: '' }))!.batchLink, null, 'no PUBLIC_URL, no link');

    const unset = configFromEnv({});
    assert.equal(unset.smtpUrl, null);
    assert.equal(emailOptions(unset), null, 'no SMTP_URL, no email');

    const refused = (changes: Record<string, string>, name: string) => {
      assert.throws(
        () => configFromEnv({ ...env, ...changes }),
        (e: unknown) => e instanceof ConfigError && e.message.includes(name) && !e.message.includes('s3cret'),
        `${JSON.stringify(changes)} names ${name}`,
      );
    };
    refused({ SMTP_URL: 'https://uploads:s3cret@smtp.clinic.example' }, 'SMTP_URL');
    refused({ SMTP_URL: 'smtp.clinic.example:587' }, 'SMTP_URL');
    refused({ SMTP_URL: 'smtp://uploads@smtp.clinic.example' }, 'SMTP_URL');
    refused({ SMTP_URL: 'smtp://u:s3cret@smtp.clinic.example/?ignoreTLS=true' }, 'SMTP_URL');
    refused({ NOTIFY_EMAIL_FROM: '' }, 'NOTIFY_EMAIL_FROM');
    refused({ NOTIFY_EMAIL_FROM: 'noreply' }, 'NOTIFY_EMAIL_FROM');
    refused({ NOTIFY_EMAIL_TO: '' }, 'NOTIFY_EMAIL_TO');
    refused({ NOTIFY_EMAIL_TO: 'manager@clinic.example, deputy' }, 'NOTIFY_EMAIL_TO');
    refused({ NOTIFY_EMAIL_TO: ' , ' }, 'NOTIFY_EMAIL_TO');
    refused({ PUBLIC_URL: 'uploads.clinic.example' }, 'PUBLIC_URL');
    refused({ PUBLIC_URL: 'ftp://uploads.clinic.example' }, 'PUBLIC_URL');
    refused({ SMTP_CA_FILE: '/nonexistent/ca.pem' }, 'SMTP_CA_FILE');
    refused({ SMTP_CA_FILE: fileURLToPath(import.meta.url) }, 'SMTP_CA_FILE'); // a file, but no certificate in it
    assert.throws(() => configFromEnv({ NOTIFY_EMAIL_TO: 'manager@clinic.example' }), /NOTIFY_EMAIL_TO is set but SMTP_URL is not/);
    assert.throws(() => configFromEnv({ NOTIFY_EMAIL_FROM: 'noreply@clinic.example' }), /SMTP_URL/);
  });
  it('reads the portals on other origins, exact origins only, and cookies only with origins', () => {
    const none = configFromEnv({});
    assert.deepEqual([none.corsOrigins, none.corsCredentials, none.authCookie], [[], false, null], 'no cross-origin grants by default');
    const config = configFromEnv({
      CORS_ORIGINS: ' https://portal.clinic.example , http://localhost:8080,',
      CORS_CREDENTIALS: 'true',
      API_TOKENS: 'abcdefghijklmnop:clinic-a',
      AUTH_COOKIE: 'batch_uploader_token',
    });
    assert.deepEqual(config.corsOrigins, ['https://portal.clinic.example', 'http://localhost:8080']);
    assert.equal(config.corsCredentials, true);
    assert.equal(config.authCookie, 'batch_uploader_token');
    for (const origin of [
      '*',
      'https://*.clinic.example',
      'https://portal.example/',
      'https://portal.example/app',
      'portal.example',
      'ftp://portal.example',
      'https://portal.example:443',
      'https://portal.example?x',
    ]) {
      assert.throws(
        () => configFromEnv({ CORS_ORIGINS: `http://localhost:8080,${origin}` }),
        (e: unknown) => e instanceof ConfigError && /^CORS_ORIGINS/.test(e.message) && e.message.includes(`"${origin}"`),
        origin,
      );
    }
    assert.throws(
      () => configFromEnv({ CORS_CREDENTIALS: 'true' }),
      (e: unknown) => e instanceof ConfigError && /CORS_CREDENTIALS=true needs CORS_ORIGINS/.test(e.message),
    );
    assert.throws(() => configFromEnv({ CORS_ORIGINS: 'http://localhost:8080', CORS_CREDENTIALS: 'yes please' }), /CORS_CREDENTIALS/);
    assert.throws(
      () => configFromEnv({ AUTH_COOKIE: 'batch_uploader_token' }),
      (e: unknown) => e instanceof ConfigError && /AUTH_COOKIE needs API_TOKENS/.test(e.message),
    );
    assert.throws(() => configFromEnv({ API_TOKENS: 'abcdefghijklmnop:clinic-a', AUTH_COOKIE: 'a cookie;' }), /AUTH_COOKIE must be a cookie name/);
  });
});

/** Runs `npm start`'s entry until it exits (it must, within 20 s); its exit code and output. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { MONGODB_URI: _notInherited, ...inherited } = process.env;
  const child = spawn(process.execPath, [MAIN], { env: { ...inherited, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}
