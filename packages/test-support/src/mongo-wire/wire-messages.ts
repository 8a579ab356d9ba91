import { deserialize, serialize } from 'bson';
import type { Document } from 'bson';

/** Opcodes this server reads or writes. OP_COMPRESSED is never negotiated, so never sent. */
export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

const HEADER_BYTES = 16;
const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;

/** One request as the driver sent it: a command document, whichever opcode carried it. */
export interface WireRequest {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** The command, with OP_MSG document sequences (kind 1 sections) merged in as arrays. */
  command: Document;
  /** OP_MSG moreToCome: the client expects no reply (unacknowledged writes). */
  noReply: boolean;
}

/** Thrown for bytes that are not a message this server understands; the connection is dropped. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

/**
 * Splits complete messages off the front of `buffer`. Returns the messages and the bytes
 * left over (the start of a message still arriving).
 */
export function takeMessages(buffer: Buffer, maxBytes: number): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let offset = 0;
  while (buffer.length - offset >= 4) {
    const length = buffer.readInt32LE(offset);
    if (length < HEADER_BYTES || length > maxBytes) throw new WireFormatError(`message length ${length} is out of range`);
    if (buffer.length - offset < length) break;
    messages.push(buffer.subarray(offset, offset + length));
    offset += length;
  }
  return { messages, rest: buffer.subarray(offset) };
}

/** Decodes one complete message. */
export function decodeRequest(message: Buffer): WireRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_MSG) return decodeOpMsg(message, requestId);
  if (opCode === OP_QUERY) return decodeOpQuery(message, requestId);
  throw new WireFormatError(`opcode ${opCode} is not supported (only OP_MSG, and OP_QUERY for the handshake)`);
}

function decodeOpMsg(message: Buffer, requestId: number): WireRequest {
  const flags = message.readUInt32LE(HEADER_BYTES);
  const end = message.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_BYTES + 4;
  let body: Document | null = null;
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    if (kind === 0) {
      const size = message.readInt32LE(offset);
      body = deserialize(message.subarray(offset, offset + size));
      offset += size;
    } else if (kind === 1) {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nameEnd = message.indexOf(0, offset + 4);
      const identifier = message.toString('utf8', offset + 4, nameEnd);
      const documents: Document[] = [];
      for (let at = nameEnd + 1; at < sectionEnd;) {
        const docSize = message.readInt32LE(at);
        documents.push(deserialize(message.subarray(at, at + docSize)));
        at += docSize;
      }
      sequences[identifier] = documents;
      offset = sectionEnd;
    } else {
      throw new WireFormatError(`OP_MSG section kind ${String(kind)} is not supported`);
    }
  }
  if (!body) throw new WireFormatError('OP_MSG without a body section');
  return { requestId, opCode: OP_MSG, command: { ...body, ...sequences }, noReply: (flags & MORE_TO_COME) !== 0 };
}

function decodeOpQuery(message: Buffer, requestId: number): WireRequest {
  // flags (4), fullCollectionName (cstring), numberToSkip (4), numberToReturn (4), query.
  const nameStart = HEADER_BYTES + 4;
  const nameEnd = message.indexOf(0, nameStart);
  const collection = message.toString('utf8', nameStart, nameEnd);
  if (!collection.endsWith('.$cmd')) throw new WireFormatError('OP_QUERY is only answered for commands (the handshake)');
  const queryStart = nameEnd + 1 + 8;
  const size = message.readInt32LE(queryStart);
  let command = deserialize(message.subarray(queryStart, queryStart + size));
  if (command.$query && typeof command.$query === 'object') command = command.$query as Document;
  return { requestId, opCode: OP_QUERY, command: { ...command, $db: collection.slice(0, -'.$cmd'.length) }, noReply: false };
}

/** Encodes a reply in the opcode the request used. */
export function encodeReply(request: WireRequest, reply: Document, requestId: number): Buffer {
  const body = serialize(reply);
  if (request.opCode === OP_QUERY) {
    // OP_REPLY: responseFlags, cursorID (int64), startingFrom, numberReturned, documents.
    const head = Buffer.alloc(HEADER_BYTES + 20);
    writeHeader(head, HEADER_BYTES + 20 + body.length, requestId, request.requestId, OP_REPLY);
    head.writeInt32LE(1, HEADER_BYTES + 16);
    return Buffer.concat([head, body]);
  }
  const head = Buffer.alloc(HEADER_BYTES + 5);
  writeHeader(head, HEADER_BYTES + 5 + body.length, requestId, request.requestId, OP_MSG);
  head.writeUInt32LE(0, HEADER_BYTES); // flagBits
  head.writeUInt8(0, HEADER_BYTES + 4); // section kind 0: the body
  return Buffer.concat([head, body]);
}

function writeHeader(buffer: Buffer, length: number, requestId: number, responseTo: number, opCode: number): void {
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
}
