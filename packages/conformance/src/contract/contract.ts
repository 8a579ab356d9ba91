import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { CheckFailure, NotSupported } from '../check.js';

type Json = Record<string, unknown>;

/** A response read to its end and checked against the document. */
export interface Answer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when the answer has none or is not JSON. */
  body: unknown;
}

/**
 * The OpenAPI document of `@batch-uploader/protocol`, compiled once: every answer a check
 * reads goes through {@link Contract.answer}, which holds it to what the document
 * promises for that operation and status.
 */
export class Contract {
  readonly #document: Json;
  readonly #ajv: Ajv2020;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(document: Json) {
    this.#document = document;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(this.#ajv);
    this.#ajv.addSchema({ $id: 'openapi.json', components: document.components } as Json);
  }

  /** Loads the document the installed protocol package publishes. */
  static load(): Contract {
    const require = createRequire(import.meta.url);
    const text = readFileSync(require.resolve('@batch-uploader/protocol/openapi.yaml'), 'utf8');
    return new Contract(parse(text) as Json);
  }

  /** `info.version` of the document. */
  get version(): string {
    return String((this.#document.info as Json | undefined)?.version ?? 'unknown');
  }

  /**
   * Reads a response and checks it against operation `method path` (a path of the
   * document, e.g. `/batch-status/{batch_id}`): its status is one the operation lists,
   * documented headers that are present match their schema, and its content type and
   * JSON body are the documented ones. Throws {@link CheckFailure} with a one-line reason.
   * With `optional`, an answer saying the route does not exist (404 other than
   * `BATCH_NOT_FOUND` or `FILE_NOT_FOUND`, 405, 501) throws {@link NotSupported}.
   */
  async answer(method: string, path: string, res: Response, options: AnswerOptions = {}): Promise<Answer> {
    const label = `${method} ${path}`;
    const text = await res.text();
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    let body: unknown;
    if (type === 'application/json' || type.endsWith('+json')) {
      try {
        body = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        throw new CheckFailure(`${label} answered ${res.status} with a body that is not JSON`);
      }
    }
    if (options.optional && isMissingRoute(res.status, body)) {
      throw new NotSupported(`not supported: ${label} answered ${res.status}${errorCode(body)}`);
    }
    const response = this.#response(method, path, options.documentedAs ?? res.status);
    if (!response) {
      throw new CheckFailure(`${label} answered ${res.status}${errorCode(body)}, which the document does not list for it`);
    }
    for (const [name, header] of Object.entries((response.headers as Json | undefined) ?? {})) {
      const value = res.headers.get(name);
      if (value === null) {
        if ((header as Json).required === true) throw new CheckFailure(`${label} ${res.status} lacks the required header ${name}`);
        continue;
      }
      const schema = (header as Json).schema as Json | undefined;
      const typed = schema?.type === 'integer' && /^\d+$/.test(value) ? Number(value) : value;
      if (schema && !this.#ajv.validate(schema, typed)) {
        throw new CheckFailure(`${label} ${res.status}: header ${name} does not have the documented form`);
      }
    }
    const content = (response.content as Json | undefined) ?? {};
    const types = Object.keys(content);
    if (types.length === 0) {
      if (text !== '') throw new CheckFailure(`${label} ${res.status} has a body; the document gives none`);
      return { status: res.status, headers: res.headers, body: undefined };
    }
    if (!types.includes(type)) {
      throw new CheckFailure(`${label} ${res.status} answered ${type || 'no content type'}; the document gives ${types.join(', ')}`);
    }
    const schema = (content[type] as Json | undefined)?.schema as Json | undefined;
    if (type === 'application/json' && schema) this.#validate(schema, body, `${label} ${res.status}`);
    return { status: res.status, headers: res.headers, body };
  }

  /** Checks a value against a named schema of the document (`Batch`, `BatchChanges`…). */
  schema(name: string, value: unknown, label: string): void {
    this.#validate({ $ref: `#/components/schemas/${name}` }, value, label);
  }

  #validate(schema: Json, value: unknown, label: string): void {
    const validate = this.#compile(schema);
    if (!validate(value)) throw new CheckFailure(`${label} does not match the document: ${describe(validate.errors ?? [])}`);
  }

  #compile(schema: Json): ValidateFunction {
    const ref = typeof schema.$ref === 'string' ? `openapi.json${schema.$ref}` : null;
    const key = ref ?? JSON.stringify(schema);
    let validate = this.#compiled.get(key);
    if (!validate) {
      validate = ref ? this.#ajv.getSchema(ref) : this.#ajv.compile(schema);
      if (!validate) throw new Error(`the document has no ${String(schema.$ref)}`);
      this.#compiled.set(key, validate);
    }
    return validate;
  }

  /** The documented response of an operation for a status, with a `$ref` to the shared responses resolved. */
  #response(method: string, path: string, status: number): Json | null {
    const operation = ((this.#document.paths as Json)[path] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
    if (!operation) throw new Error(`the document has no ${method} ${path}`);
    const responses = operation.responses as Json;
    const response = (responses[String(status)] ?? responses[`${String(status)[0]}XX`]) as Json | undefined;
    if (!response) return null;
    if (typeof response.$ref !== 'string') return response;
    return ((this.#document.components as Json).responses as Json)[response.$ref.split('/').pop()!] as Json;
  }
}

/** Options of {@link Contract.answer}. */
export interface AnswerOptions {
  /** Checks the answer against another status's documentation (an upload answered 200 or 201 against the documented 202). */
  documentedAs?: number;
  /** The route is of an optional feature: a backend without it is reported as not supporting it. */
  optional?: boolean;
}

/** An answer that says the backend has no such route: 404 other than `BATCH_NOT_FOUND` (the route exists), 405 or 501. */
/** 404 codes that name a missing batch or file, not a missing route. */
const RESOURCE_NOT_FOUND = new Set([' BATCH_NOT_FOUND', ' FILE_NOT_FOUND']);

function isMissingRoute(status: number, body: unknown): boolean {
  return (status === 404 && !RESOURCE_NOT_FOUND.has(errorCode(body))) || status === 405 || status === 501;
}

/** ` CODE` when the body is an error envelope, for reasons that name what the server said. */
export function errorCode(body: unknown): string {
  const code = ((body as Json | undefined)?.error as Json | undefined)?.code;
  return typeof code === 'string' ? ` ${code}` : '';
}

/** The first mismatches in one line, without the values (they may be a document's data). */
function describe(errors: ErrorObject[]): string {
  const lines = [
    ...new Set(
      errors.map((e) => {
        const extra = typeof e.params.additionalProperty === 'string' ? ` ("${e.params.additionalProperty}")` : '';
        return `${e.instancePath || 'the body'} ${e.message ?? 'is not valid'}${extra}`;
      }),
    ),
  ];
  const shown = lines.slice(0, 2).join('; ');
  return lines.length > 2 ? `${shown} (and ${lines.length - 2} more)` : shown;
}
