import { createParser } from 'eventsource-parser';

/** One Server-Sent Event. */
export interface StreamEvent {
  /** The `event:` field; `message` when the server named none. */
  event: string;
  data: string;
}

/** What a read of an event stream saw. */
export interface StreamRead {
  events: StreamEvent[];
  /** The event `until` accepted; null when none came. */
  last: StreamEvent | null;
  /** The server ended the stream (after the accepted event, or without one). */
  closed: boolean;
  /** The deadline passed before `until` accepted an event or the server ended the stream. */
  timedOut: boolean;
}

/** How long to read. */
export interface ReadOptions {
  /** Time (ms since the epoch) after which reading stops. */
  deadline: number;
  /** Stops at the first event it accepts. */
  until: (event: StreamEvent) => boolean;
  /** After the accepted event, how long the server has to end the stream. */
  closeWithinMs: number;
}

/**
 * Reads a `text/event-stream` body (parsed by eventsource-parser, as the HTML standard
 * says) until `until` accepts an event, the server ends the stream, or the deadline.
 * Always releases the connection: `controller` is the request's and is aborted at the end.
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, controller: AbortController, options: ReadOptions): Promise<StreamRead> {
  const events: StreamEvent[] = [];
  let last: StreamEvent | null = null;
  const parser = createParser({
    onEvent: (message) => {
      const event = { event: message.event ?? 'message', data: message.data };
      events.push(event);
      if (last === null && options.until(event)) last = event;
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let deadline = options.deadline;
  try {
    for (;;) {
      const accepted = last !== null;
      const chunk = await readBefore(reader, deadline);
      if (chunk === 'timeout') return { events, last, closed: false, timedOut: !accepted };
      if (chunk.done) return { events, last, closed: true, timedOut: false };
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      if (!accepted && last !== null) deadline = Date.now() + options.closeWithinMs;
    }
  } catch {
    // The connection was cut: the stream ended without the server closing it cleanly.
    return { events, last, closed: true, timedOut: false };
  } finally {
    controller.abort();
    reader.cancel().catch(() => {});
  }
}

type Reader = ReadableStreamDefaultReader<Uint8Array>;

function readBefore(reader: Reader, deadline: number): Promise<Awaited<ReturnType<Reader['read']>> | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
}
