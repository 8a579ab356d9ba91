import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configFromEnv, ConfigError, parseTokens } from '../src/config.js';

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
    assert.deepEqual([...config.apiTokens!], [['abcdefghijklmnop', 'clinic-a'], ['qrstuvwxyz012345', 'clinic-b']]);
    assert.equal(config.concurrency, 5);
    assert.equal(config.maxFiles, 10);
    assert.equal(config.maxFileSizeMb, 2.5);
    assert.equal(config.leaseMs, 5000);
  });

  it('refuses values that cannot work, naming the variable', () => {
    assert.throws(() => configFromEnv({ CONCURRENCY: '0' }), (e: unknown) => e instanceof ConfigError && /CONCURRENCY/.test(e.message));
    assert.throws(() => configFromEnv({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => configFromEnv({ MAX_FILES: '2.5' }), /MAX_FILES/);
    assert.throws(() => parseTokens('no-workspace'), /API_TOKENS/);
    assert.throws(() => parseTokens('short:ws'), /16 characters/);
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

  it('reads the processing service settings', () => {
    const config = configFromEnv({ PROCESSOR_URL: 'http://ocr.internal:8080/process', PROCESSOR_TIMEOUT_MS: '30000' });
    assert.equal(config.processorUrl, 'http://ocr.internal:8080/process');
    assert.equal(config.processorTimeoutMs, 30_000);
    assert.equal(configFromEnv({}).processorUrl, null);
    assert.equal(configFromEnv({}).processorTimeoutMs, 60_000);
    assert.throws(() => configFromEnv({ PROCESSOR_URL: 'ocr.internal' }), /PROCESSOR_URL/);
    assert.throws(() => configFromEnv({ PROCESSOR_TIMEOUT_MS: '5' }), /PROCESSOR_TIMEOUT_MS/);
  });

  it('keeps batch records 90 days unless told otherwise; "off" keeps them forever, 0 is refused', () => {
    assert.equal(configFromEnv({}).historyRetentionDays, 90);
    assert.equal(configFromEnv({ HISTORY_RETENTION_DAYS: '365' }).historyRetentionDays, 365);
    assert.equal(configFromEnv({ HISTORY_RETENTION_DAYS: 'off' }).historyRetentionDays, null);
    assert.equal(configFromEnv({ HISTORY_RETENTION_DAYS: 'OFF' }).historyRetentionDays, null);
    assert.throws(() => configFromEnv({ HISTORY_RETENTION_DAYS: '0' }), (e: unknown) => e instanceof ConfigError && /HISTORY_RETENTION_DAYS.*"off"/.test(e.message));
    assert.throws(() => configFromEnv({ HISTORY_RETENTION_DAYS: 'forever' }), /HISTORY_RETENTION_DAYS/);
  });

  it('limits uploads per workspace by default, and 0 turns the limit off', () => {
    assert.equal(configFromEnv({}).uploadRateLimit, 60);
    assert.equal(configFromEnv({ UPLOAD_RATE_LIMIT: '0' }).uploadRateLimit, 0);
    assert.equal(configFromEnv({ UPLOAD_RATE_LIMIT: '5' }).uploadRateLimit, 5);
    assert.throws(() => configFromEnv({ UPLOAD_RATE_LIMIT: '-1' }), /UPLOAD_RATE_LIMIT/);
    assert.throws(() => configFromEnv({ UPLOAD_RATE_LIMIT: '1.5' }), /UPLOAD_RATE_LIMIT/);
  });
});
