import { createParser, type EventSourceParser } from 'eventsource-parser';

/** One Server-Sent Event as dispatched by the parser. */
export interface SseMessage {
  /** The `event:` field; `message` when the server named none. */
  event: string;
  /** The `data:` lines, joined by newlines. */
  data: string;
  /** The last `id:` seen (the stream's last event ID, which carries over to later events). */
  id: string;
}

/**
 * A push parser for the `text/event-stream` format (HTML standard, "Server-sent events",
 * §9.2.6), on `eventsource-parser`. EventSource cannot send an Authorization header, so
 * the SDK reads the stream with fetch and parses it here. Feed decoded text in any
 * chunking: a snapshot of several megabytes in many pieces parses in time proportional
 * to its length. Comments (heartbeats) go to `onComment`, so idle detection can see them.
 */
export class SseParser {
  readonly #parser: EventSourceParser;
  #lastId = '';

  constructor(onMessage: (message: SseMessage) => void, onComment?: (text: string) => void) {
    this.#parser = createParser({
      onEvent: ({ event, data, id }) => {
        if (id !== undefined) this.#lastId = id;
        onMessage({ event: event ?? 'message', data, id: this.#lastId });
      },
      ...(onComment ? { onComment: (text: string) => onComment(text.trimStart()) } : {}),
      // `retry` and unknown fields: the SDK manages reconnection itself.
    });
  }

  /** Parses a chunk of text; complete lines are processed, a partial one is kept. */
  feed(chunk: string): void {
    this.#parser.feed(chunk);
  }
}
