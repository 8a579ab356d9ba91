import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

const require = createRequire(import.meta.url);
/** The OpenAPI document as published by the protocol package. */
export const openapi = parse(readFileSync(require.resolve('@batch-uploader/protocol/openapi.yaml'), 'utf8')) as Json;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi.json', components: openapi.components } as Json);

/**
 * Checks a real response against what the document promises for that operation and
 * status; throws with every mismatch when it does not conform.
 */
export function assertConforms(method: string, path: string, status: number, body: unknown): void {
  const operation = ((openapi.paths as Json)[path] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
  if (!operation) throw new Error(`the document has no ${method} ${path}`);
  let response = (operation.responses as Json)[String(status)] as Json | undefined;
  if (!response) throw new Error(`the document has no ${status} answer for ${method} ${path}`);
  if (typeof response.$ref === 'string') {
    response = ((openapi.components as Json).responses as Json)[response.$ref.split('/').pop()!] as Json;
  }
  const schema = ((response.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
  if (!schema) throw new Error(`the document gives no JSON body for ${status} of ${method} ${path}`);
  const ref = typeof schema.$ref === 'string' ? `openapi.json${schema.$ref}` : null;
  const validate = ref ? ajv.getSchema(ref) : ajv.compile(schema);
  if (!validate) throw new Error(`cannot resolve ${String(schema.$ref)}`);
  if (!validate(body)) {
    throw new Error(`${method} ${path} ${status} does not match the document:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(body).slice(0, 2000)}`);
  }
}

/** Checks a value against one named schema of the document (for bodies that are not plain JSON answers, such as event data). */
export function assertMatchesSchema(name: string, value: unknown): void {
  const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
  if (!validate) throw new Error(`the document has no schema ${name}`);
  if (!validate(value)) throw new Error(`${name} does not match the document:\n${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}
