/** One Server-Sent Event as dispatched by the parser. */
export interface SseMessage {
  /** The `event:` field; `message` when the server named none. */
  event: string;
  /** The `data:` lines, joined by newlines. */
  data: string;
  /** The last `id:` seen. */
  id: string;
}

/**
 * A push parser for the `text/event-stream` format (HTML standard, "Server-sent events",
 * §9.2.6). EventSource cannot send an Authorization header, so the SDK reads the stream
 * with fetch and parses it here. Feed decoded text in any chunking; comments
 * (heartbeats) are reported through `onComment` so idle detection can see them.
 */
export class SseParser {
  /** The start of a line not ended yet. */
  #partial = '';
  /** The last chunk ended with CR: a LF opening the next one belongs to it (CRLF). */
  #afterCr = false;
  #event = '';
  #data: string[] = [];
  #id = '';
  #seenData = false;
  readonly #onMessage: (message: SseMessage) => void;
  readonly #onComment: ((text: string) => void) | undefined;

  constructor(onMessage: (message: SseMessage) => void, onComment?: (text: string) => void) {
    this.#onMessage = onMessage;
    this.#onComment = onComment;
  }

  /**
   * Parses a chunk of text; complete lines are processed, a partial one is kept. Only the
   * new chunk is searched for line ends, so a snapshot of several megabytes that arrives
   * in many pieces costs time in proportion to its length, not to the number of pieces.
   */
  feed(chunk: string): void {
    let from = this.#afterCr && chunk.startsWith('\n') ? 1 : 0;
    this.#afterCr = false;
    const ends = /\r\n|\r|\n/g;
    ends.lastIndex = from;
    for (let end = ends.exec(chunk); end; end = ends.exec(chunk)) {
      const tail = chunk.slice(from, end.index);
      this.#line(this.#partial + tail);
      this.#partial = '';
      from = ends.lastIndex;
      this.#afterCr = from === chunk.length && end[0] === '\r';
    }
    if (from < chunk.length) this.#partial += chunk.slice(from);
  }

  #line(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.#onComment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#event = value;
        break;
      case 'data':
        this.#data.push(value);
        this.#seenData = true;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.#id = value;
        break;
      default:
        // `retry` and unknown fields: the SDK manages reconnection itself.
        break;
    }
  }

  #dispatch(): void {
    if (this.#seenData) {
      this.#onMessage({ event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id });
    }
    this.#event = '';
    this.#data = [];
    this.#seenData = false;
  }
}
