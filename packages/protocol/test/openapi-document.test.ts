import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERRORS } from '@batch-uploader/protocol';
import { openapi } from '@batch-uploader/test-support/openapi';

type Json = Record<string, unknown>;

describe('the OpenAPI document', () => {
  it("lists every error code of the protocol's ERRORS table, and no other", () => {
    const schemas = (openapi.components as Json).schemas as Json;
    const error = ((schemas.ErrorResponse as Json).properties as Json).error as Json;
    const codes = ((error.properties as Json).code as Json).enum as string[];
    assert.deepEqual([...codes].sort(), Object.keys(ERRORS).sort());
  });

  it('lists every batch status the protocol knows', () => {
    const status = ((openapi.components as Json).schemas as Json).BatchStatus as Json;
    assert.deepEqual(status.enum, ['pending', 'processing', 'paused', 'completed', 'failed', 'cancelled']);
  });
});
