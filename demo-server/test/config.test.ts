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
});
