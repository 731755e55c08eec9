/**
 * Is the server at DATABASE_URL a PostgreSQL server at all? A MariaDB or Redis port behind
 * a postgresql:// URL otherwise fails deep in the migration engine ("External error id#0")
 * or after a long timeout. PostgreSQL answers an SSLRequest (8 bytes) with one byte, 'S' or
 * 'N', before anything else; other servers send a greeting of their own, or nothing.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL
 */
import { connect } from 'node:net';
import { DatabaseError } from './errors.ts';

const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

type Answer = 'postgres' | 'other' | 'silent' | 'unreachable';

function ask(host: string, port: number, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let connected = false;
    const done = (answer: Answer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(connected ? 'silent' : 'unreachable'), timeoutMs);
    socket.once('connect', () => {
      connected = true;
      socket.write(sslRequest);
    });
    socket.once('data', (data) =>
      done(data.length === 1 && (data[0] === 0x53 || data[0] === 0x4e) ? 'postgres' : 'other'),
    );
    // Connection errors are described by the driver later, in the usual words.
    socket.once('error', () => done('unreachable'));
    socket.once('close', () => done(connected ? 'other' : 'unreachable'));
  });
}

/** Throws a one-line DatabaseError when `url` names a TCP server that is not PostgreSQL. */
export async function ensurePostgresServer(url: string, timeoutMs = 3_000): Promise<void> {
  const parsed = new URL(url);
  // A Unix socket (host=/path in the query) is not probed.
  if (parsed.searchParams.get('host')?.startsWith('/')) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = Number(parsed.port || 5432);
  const answer = await ask(host, port, timeoutMs);
  if (answer === 'other' || answer === 'silent') {
    throw new DatabaseError(
      `DATABASE_URL points to ${parsed.host}, which is not a PostgreSQL server ` +
        `(${answer === 'other' ? 'it answered like another kind of server' : `no PostgreSQL answer within ${timeoutMs / 1000} s`}): ` +
        'check the host and port',
    );
  }
}
