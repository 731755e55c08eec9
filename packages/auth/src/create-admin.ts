/**
 * Creates the first admin (or gives an existing user admin rights and a new password):
 *   pnpm create-admin --email ada@example.org --name "Ada Lovelace"
 * The password comes from WORKLETS_ADMIN_PASSWORD, or is read from standard input.
 * Uses DATABASE_URL, or the embedded database when it is unset (stop the server first:
 * the embedded database serves one process).
 */
import { parseArgs } from 'node:util';
import { DatabaseError, openDatabase } from '@worklets/db';
import { AccountError, upsertUserWithPassword } from './accounts.ts';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (12-128 characters, not a common one): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main() {
  const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' } } });
  if (!values.email)
    throw new AccountError(
      'usage: create-admin --email EMAIL [--name NAME] (password from WORKLETS_ADMIN_PASSWORD or stdin)',
    );
  const password = process.env.WORKLETS_ADMIN_PASSWORD ?? (await readStdin());
  const db = await openDatabase({ seedDemoIfEmpty: false });
  try {
    const user = await upsertUserWithPassword(db.prisma, {
      email: values.email,
      name: values.name ?? values.email.split('@')[0]!,
      role: 'admin',
      password,
    });
    console.log(`admin ready: ${user.email} (user #${user.id})`);
  } finally {
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const known = error instanceof AccountError || error instanceof DatabaseError;
    console.error(
      `error: ${known ? (error as Error).message : String((error as Error).message ?? error).split('\n')[0]}`,
    );
    process.exit(1);
  },
);
