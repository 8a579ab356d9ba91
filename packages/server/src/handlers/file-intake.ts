import type { Request, Response } from 'express';
import { FILE_ERRORS, type Limits } from '@batch-uploader/protocol';
import type { IncomingFile } from '../engine/command-input.js';
import { ApiError } from '../http/api-error.js';
import { newId } from '../http/batch-id.js';
import { sanitizeFilename } from '../http/filename.js';
import { discard } from '../http/quarantine-folder.js';
import { createUploadParser, type ReceivedFile } from '../http/upload-parser.js';
import { SNIFF_BYTES, sniffType } from '../shared/sniff-type.js';
import type { NewFile } from '../store/records.js';
import type { ResolvedRouterOptions } from '../router-options.js';

/**
 * The files and text fields of one multipart request, waiting in quarantine. Declare it
 * with `await using`: when the handler's scope ends, however it ends, the quarantined
 * files are removed — after the engine's command moved the accepted bytes into the blob
 * store, or after it failed and removed what it had moved.
 */
export class ReceivedUpload implements AsyncDisposable {
  constructor(
    /** The text fields, as sent. */
    readonly fields: Record<string, unknown>,
    private readonly received: ReceivedFile[],
    private readonly accepted: Limits['accepted_types'],
  ) {}

  /** How many files the request carried. */
  get count(): number {
    return this.received.length;
  }

  /**
   * The files for the engine, positions 0..count-1 in request order, each type decided
   * from its bytes: a file of a type not accepted is recorded as failed
   * (`UNSUPPORTED_TYPE`) and its bytes are not kept. NO_FILES when there is no file, and
   * 415 when none is acceptable.
   */
  async files(): Promise<IncomingFile[]> {
    if (this.received.length === 0) throw new ApiError('NO_FILES');
    const files: IncomingFile[] = [];
    for (const [position, file] of this.received.entries()) {
      const record = await classify(file, position, this.accepted);
      files.push(record.blob_key ? { record, path: file.path } : { record });
    }
    if (files.every(({ record }) => record.status === 'failed')) {
      throw new ApiError('UNSUPPORTED_TYPE', { details: { accepted_types: [...this.accepted] } });
    }
    return files;
  }

  /** Removes what is left in quarantine (files moved into the blob store are gone already). */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.received.map((file) => discard(file.path)));
  }
}

/**
 * How the upload and append routes receive files: the same multipart parsing, limits
 * (enforced while streaming) and type sniffing. A request the parser refuses leaves
 * nothing in quarantine.
 */
export function createFileIntake(options: ResolvedRouterOptions): (req: Request, res: Response) => Promise<ReceivedUpload> {
  const { limits } = options;
  const parse = createUploadParser({ dir: options.uploadDir, limits, headBytes: SNIFF_BYTES, fieldName: 'files' });
  return async (req, res) => {
    const { files, fields } = await parse(req, res);
    return new ReceivedUpload(fields, files, limits.accepted_types);
  };
}

/**
 * The record of one received file: its type decided from its first bytes (`head`); a
 * type not accepted is recorded as failed (`UNSUPPORTED_TYPE`), its bytes not kept.
 */
export async function classify(
  file: Pick<ReceivedFile, 'head' | 'originalname' | 'size' | 'mimetype'>,
  position: number,
  accepted: readonly string[],
): Promise<NewFile> {
  const detected = await sniffType(file.head);
  const ok = detected !== null && accepted.includes(detected);
  const id = newId();
  return {
    id,
    position,
    filename: sanitizeFilename(file.originalname),
    size: file.size,
    declared_type: file.mimetype && file.mimetype.length <= 100 ? file.mimetype : null,
    detected_type: detected,
    blob_key: ok ? id : null,
    status: ok ? 'pending' : 'failed',
    error: ok ? null : { code: 'UNSUPPORTED_TYPE', message: FILE_ERRORS.UNSUPPORTED_TYPE },
  };
}
