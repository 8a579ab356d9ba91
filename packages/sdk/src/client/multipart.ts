/** One file of an upload: its bytes (never read whole), the name to send, and a MIME type. */
export interface MultipartFile {
  blob: Blob;
  filename: string;
  type: string;
}

/**
 * A `multipart/form-data` body laid out ahead of time. Building it ourselves (rather
 * than letting FormData serialise) tells us where each file's bytes sit in the body,
 * so one "bytes sent" number from the transport becomes exact progress per file.
 * Segments reference the Blobs; no file is read until the body is sent.
 */
export interface MultipartBody {
  /** The `Content-Type` header to send, with the boundary. */
  contentType: string;
  /** Text parts as bytes, file contents as Blobs, in body order. */
  segments: ReadonlyArray<Uint8Array | Blob>;
  /** Total body size in bytes. */
  size: number;
  /** Where each file's content starts and ends in the body (`end` exclusive), in file order. */
  fileRanges: ReadonlyArray<{ start: number; end: number }>;
}

const encoder = new TextEncoder();

/** Lays out text fields (first, as browsers send them) and then the files in the field `fieldName`. */
export function buildMultipart(fieldName: string, files: readonly MultipartFile[], fields: Readonly<Record<string, string>>): MultipartBody {
  const boundary = `----BatchUploader${randomDigits()}`;
  const segments: Array<Uint8Array | Blob> = [];
  const fileRanges: Array<{ start: number; end: number }> = [];
  let size = 0;
  const text = (value: string) => {
    const bytes = encoder.encode(value);
    segments.push(bytes);
    size += bytes.byteLength;
  };

  for (const [name, value] of Object.entries(fields)) {
    text(`--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(name)}"\r\n\r\n${value}\r\n`);
  }
  for (const file of files) {
    text(
      `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(fieldName)}"; filename="${escapeQuoted(file.filename)}"\r\n` +
        `Content-Type: ${file.type.replace(/[\r\n]/g, '') || 'application/octet-stream'}\r\n\r\n`,
    );
    segments.push(file.blob);
    fileRanges.push({ start: size, end: size + file.blob.size });
    size += file.blob.size;
    text('\r\n');
  }
  text(`--${boundary}--\r\n`);
  return { contentType: `multipart/form-data; boundary=${boundary}`, segments, size, fileRanges };
}

/** Splits a count of body bytes sent into bytes sent of each file. */
export function bytesPerFile(body: MultipartBody, sent: number): number[] {
  return body.fileRanges.map(({ start, end }) => Math.max(0, Math.min(sent, end) - start));
}

/** The body as one Blob (lazy: it only references the file Blobs), for XMLHttpRequest. */
export function multipartBlob(body: MultipartBody): Blob {
  return new Blob(body.segments as BlobPart[], { type: body.contentType });
}

/**
 * The body as a stream that reads one file after the other in small chunks. It pulls
 * only when the consumer asks (`highWaterMark: 0`), so `onRead` follows what the
 * HTTP stack actually took, not what we could read ahead.
 */
export function multipartStream(body: MultipartBody, onRead: (sent: number) => void): ReadableStream<Uint8Array> {
  let index = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (reader) {
            const { done, value } = await reader.read();
            if (!done) {
              sent += value.byteLength;
              controller.enqueue(value);
              onRead(sent);
              return;
            }
            reader = null;
          }
          const segment = body.segments[index++];
          if (segment === undefined) {
            controller.close();
            return;
          }
          if (segment instanceof Uint8Array) {
            sent += segment.byteLength;
            controller.enqueue(segment);
            onRead(sent);
            return;
          }
          reader = segment.stream().getReader();
        }
      },
      async cancel(reason) {
        await reader?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

// The HTML standard's escaping of names in multipart headers: quotes and newlines only.
function escapeQuoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

// Only has to differ from the body's bytes, as browsers' own boundaries do.
function randomDigits(): string {
  return crypto.getRandomValues(new Uint32Array(4)).join('');
}
