import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A message the server accepted: the envelope and the raw bytes as they came (headers included). */
export interface ReceivedEmail {
  from: string;
  to: string[];
  raw: string;
  /** Whether the connection was encrypted (STARTTLS or smtps) when the message came. */
  secure: boolean;
  /** The user it logged in as; null without AUTH. */
  user: string | null;
}

/** How the test server behaves. */
export interface SmtpTestServerOptions {
  /** Requires AUTH with these credentials (only over TLS, as real servers do). */
  auth?: { user: string; pass: string };
  /** Offers STARTTLS with this certificate (or, with `secure`, TLS from the first byte). */
  tls?: { key: string; cert: string };
  /** TLS from the first byte (smtps://); needs `tls`. */
  secure?: boolean;
  /** The answer to the n-th message (0-based) at the end of DATA: 250 accepts, 4xx/5xx refuse. @default () => 250 */
  answer?: (n: number) => number;
  /** Lets clients log in without TLS (as a careless server would), to see whether they try. @default false */
  allowInsecureAuth?: boolean;
  /** Listen on this port (to come back up where a client expects it). @default 0 (a free one) */
  port?: number;
}

/** A running SMTP server on 127.0.0.1, in this process. */
export interface SmtpTestServer {
  port: number;
  /** `smtp://` or `smtps://` URL of the server, with `userinfo` when given. */
  url(userinfo?: string): string;
  /** Every message accepted, in order. */
  received: ReceivedEmail[];
  /** Messages offered (accepted or refused), in order, with the answer given. */
  offered: { answer: number; raw: string }[];
  /** AUTH attempts made, with their outcome. */
  logins: { user: string; ok: boolean; secure: boolean }[];
  /** Connections clients opened. */
  connections(): number;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made now; it is its own CA. */
export async function testCertificate(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Starts a real SMTP server (the `smtp-server` package) on 127.0.0.1. */
export async function startSmtpServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const received: ReceivedEmail[] = [];
  const offered: { answer: number; raw: string }[] = [];
  const logins: { user: string; ok: boolean; secure: boolean }[] = [];
  const answer = options.answer ?? (() => 250);
  let connections = 0;
  const config: SMTPServerOptions = {
    logger: false,
    // A closing server drops its clients at once, as a crashed one would.
    closeTimeout: 100,
    allowInsecureAuth: options.allowInsecureAuth ?? false,
    secure: options.secure ?? false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    ...(options.auth ? { authMethods: ['PLAIN', 'LOGIN'] } : { authOptional: true }),
    onAuth(auth, session, callback) {
      const ok = !!options.auth && auth.username === options.auth.user && auth.password === options.auth.pass;
      logins.push({ user: auth.username ?? '', ok, secure: session.secure });
      if (ok) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const code = answer(offered.length);
        offered.push({ answer: code, raw });
        if (code !== 250) {
          callback(Object.assign(new Error(code >= 500 ? 'Refused' : 'Try again later'), { responseCode: code }));
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : null,
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(config);
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: (userinfo) => `${options.secure ? 'smtps' : 'smtp'}://${userinfo ? `${userinfo}@` : ''}127.0.0.1:${port}`,
    received,
    offered,
    logins,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
