/**
 * Invites a user from the command line, as an admin does on the Users screen:
 *   pnpm invite --email mia@example.org --name "Mia Chen" --role mentor [--by ada@example.org]
 * Prints the one-time link (PUBLIC_URL, valid WORKLETS_INVITATION_HOURS); with SMTP_URL set,
 * the invitation is also mailed by the server's mail worker. Uses DATABASE_URL, or the
 * embedded database when it is unset (stop the server first: it serves one process).
 */
import { parseArgs } from 'node:util';
import { TRPCError } from '@trpc/server';
import { mailSite } from '@worklets/api';
import { inviteUser } from '@worklets/api/invite';
import { DatabaseError, openDatabase, resolveDatabaseTarget } from '@worklets/db';
import type { UserRole } from '@worklets/validators/users';
import { ConfigError, loadConfig } from './config.ts';

const usage = 'usage: pnpm invite --email EMAIL --name NAME [--role mentor|student|admin] [--by ADMIN_EMAIL]';

async function main() {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, by: { type: 'string' } },
  });
  if (!values.email || !values.name) throw new ConfigError(usage);
  const config = loadConfig();
  mailSite.publicUrl = config.publicUrl;
  mailSite.sending = config.mail !== null;
  const target = resolveDatabaseTarget({ DATABASE_URL: config.databaseUrl, WORKLETS_DATA_DIR: config.dataDir });
  const db = await openDatabase({ target, seedDemoIfEmpty: false });
  try {
    const input = { email: values.email, name: values.name, role: (values.role ?? 'mentor') as UserRole };
    const links = { publicUrl: config.publicUrl, hours: config.invitationHours };
    const { user, invitation } = await inviteUser(db.prisma, input, values.by, links);
    console.log(
      `invited ${user.email} (${user.role}, user #${user.id}); the link works once, until ${invitation.expiresAt.toISOString()}:`,
    );
    console.log(invitation.link);
    if (config.mail) console.log('it is also mailed to them by the server (SMTP_URL).');
  } finally {
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof DatabaseError || error instanceof TRPCError;
    console.error(
      `error: ${known ? (error as Error).message : String((error as Error).message ?? error).split('\n')[0]}`,
    );
    process.exit(1);
  },
);
