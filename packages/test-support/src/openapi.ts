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
  const response = documentedResponse(method, path, status);
  const schema = ((response.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
  if (!schema) throw new Error(`the document gives no JSON body for ${status} of ${method} ${path}`);
  const ref = typeof schema.$ref === 'string' ? `openapi.json${schema.$ref}` : null;
  const validate = ref ? ajv.getSchema(ref) : ajv.compile(schema);
  if (!validate) throw new Error(`cannot resolve ${String(schema.$ref)}`);
  if (!validate(body)) {
    throw new Error(
      `${method} ${path} ${status} does not match the document:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(body).slice(0, 2000)}`,
    );
  }
}

/** A response as the document describes it, with any `$ref` to the shared responses resolved. */
function documentedResponse(method: string, path: string, status: number): Json {
  const operation = ((openapi.paths as Json)[path] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
  if (!operation) throw new Error(`the document has no ${method} ${path}`);
  const response = (operation.responses as Json)[String(status)] as Json | undefined;
  if (!response) throw new Error(`the document has no ${status} answer for ${method} ${path}`);
  return typeof response.$ref === 'string' ? (((openapi.components as Json).responses as Json)[response.$ref.split('/').pop()!] as Json) : response;
}

/** Every operation of the document as `METHOD path status` keys, one per documented answer. */
export function documentedAnswers(): string[] {
  const keys: string[] = [];
  for (const [path, item] of Object.entries(openapi.paths as Json)) {
    for (const [method, operation] of Object.entries(item as Json)) {
      if (method === 'parameters') continue;
      for (const status of Object.keys((operation as Json).responses as Json)) keys.push(`${method.toUpperCase()} ${path} ${status}`);
    }
  }
  return keys.sort();
}

/**
 * Checks a real HTTP answer against the document: its status is one the operation lists,
 * every header the document gives for it is present and matches its schema, and its
 * content type and (for JSON) its body are the documented ones. Returns the parsed body.
 */
export async function assertAnswerConforms(method: string, path: string, res: Response): Promise<unknown> {
  const response = documentedResponse(method, path, res.status);
  for (const [name, header] of Object.entries((response.headers as Json | undefined) ?? {})) {
    const value = res.headers.get(name);
    if (value === null) throw new Error(`${method} ${path} ${res.status} lacks the documented header ${name}`);
    const schema = (header as Json).schema as Json | undefined;
    const typed = schema?.type === 'integer' ? (/^\d+$/.test(value) ? Number(value) : value) : value;
    if (schema && !ajv.validate(schema, typed)) throw new Error(`${method} ${path} ${res.status}: header ${name}: ${value} does not match the document`);
  }
  const content = Object.keys((response.content as Json | undefined) ?? {});
  if (content.length === 0) {
    const text = await res.text();
    if (text !== '') throw new Error(`${method} ${path} ${res.status} has a body the document does not give`);
    return undefined;
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!content.includes(type)) throw new Error(`${method} ${path} ${res.status} answered ${type}, the document gives ${content.join(', ')}`);
  if (type !== 'application/json') {
    await res.body?.cancel();
    return undefined;
  }
  const body = (await res.json()) as unknown;
  assertConforms(method, path, res.status, body);
  return body;
}

/** Checks a value against one named schema of the document (for bodies that are not plain JSON answers, such as event data). */
export function assertMatchesSchema(name: string, value: unknown): void {
  const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
  if (!validate) throw new Error(`the document has no schema ${name}`);
  if (!validate(value)) throw new Error(`${name} does not match the document:\n${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}
