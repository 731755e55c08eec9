/**
 * Command line of the data layer (package scripts db:*):
 *   migrate                      apply pending migrations
 *   migration <name>             create the next migration from prisma/schema.prisma
 *   seed                         load the demo program into an empty database (its passwords only with WORKLETS_DEMO=1)
 *   seed-bulk [--worklets N] [--mentors N] [--students N] [--admins N]
 *   backfill-legacy [--dry-run]  move legacy worklets.mentor_id into assignments (--dry-run: print the plan, write nothing)
 *   import-legacy --from mysql://USER@HOST:PORT/DB [--dry-run]
 *                                import the legacy MySQL system (legacy/import-legacy.ts; --dry-run: report, write nothing)
 * The database is DATABASE_URL, or the embedded one when it is unset.
 * Errors print one line and exit with code 1.
 */
import { parseArgs } from 'node:util';
import { openDatabase } from './database.ts';
import { DatabaseError } from './errors.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { backfillLegacyMentors } from './legacy/backfill-legacy.ts';
import { importLegacy, importReportLines } from './legacy/import-legacy.ts';
import { readLegacy } from './legacy/read-legacy.ts';
import { createMigration } from './migrate/migrations.ts';
import { generateDemoProgram } from './seed/demo.ts';
import { demoPassword, setDemoPasswords } from './seed/demo-passwords.ts';
import { isDatabaseEmpty, loadProgram } from './seed/load.ts';
import { generateProgram } from './seed/program.ts';
import { withConnection } from './sql.ts';

/** Demo passwords only in demo mode (they are published in the README); says what it did. */
async function seedPasswords(prisma: PrismaClient): Promise<string> {
  if (process.env.WORKLETS_DEMO !== '1')
    return 'no passwords set (WORKLETS_DEMO is not 1): give an admin one with pnpm create-admin, then invite users from the Users screen';
  const accounts = await setDemoPasswords(prisma);
  return `demo accounts (${accounts}) can sign in with password "${demoPassword}": admin@, mentor@ and student@worklets.example`;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'migrate': {
      const db = await openDatabase({ seedDemoIfEmpty: false });
      await db.close();
      console.log(
        db.appliedMigrations.length ? `applied: ${db.appliedMigrations.join(', ')}` : 'no pending migrations',
      );
      return;
    }
    case 'migration': {
      const name = rest[0];
      if (!name) throw new DatabaseError('usage: db:migration <name>');
      const folder = await createMigration(name);
      console.log(
        folder ? `created ${folder}` : 'the database schema has not changed: no migration created (snapshot updated)',
      );
      return;
    }
    case 'seed':
    case 'seed-bulk': {
      const { values } = parseArgs({
        args: rest,
        options: {
          worklets: { type: 'string' },
          mentors: { type: 'string' },
          students: { type: 'string' },
          admins: { type: 'string' },
        },
      });
      const count = (v: string | undefined, fallback: number) => {
        if (v === undefined) return fallback;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 5_000_000) throw new DatabaseError(`not a count: ${v}`);
        return n;
      };
      const worklets = count(values.worklets, 50_000);
      const program =
        command === 'seed'
          ? generateDemoProgram()
          : generateProgram({
              admins: count(values.admins, 5),
              mentors: count(values.mentors, Math.max(1, Math.round(worklets / 10))),
              students: count(values.students, Math.round(worklets * 0.4)),
              worklets,
            });
      const db = await openDatabase({ seedDemoIfEmpty: false });
      try {
        const started = performance.now();
        await withConnection(db.pool, async (client) => {
          if (!(await isDatabaseEmpty(client)))
            throw new DatabaseError('the database already has users or worklets: seed an empty database');
          await loadProgram(client, program);
        });
        const rows =
          program.users.length + program.worklets.length + program.assignments.length + program.events.length;
        console.log(
          `loaded ${program.users.length} users, ${program.worklets.length} worklets, ${program.assignments.length} assignments, ` +
            `${program.events.length} events (${rows} rows) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
        if (command === 'seed') console.log(await seedPasswords(db.prisma));
      } finally {
        await db.close();
      }
      return;
    }
    case 'backfill-legacy':
      return backfillCommand(rest);
    case 'import-legacy':
      return importLegacyCommand(rest);
    default:
      throw new DatabaseError(
        'usage: db:migrate | db:migration <name> | db:seed | db:seed-bulk [--worklets N] | db:backfill-legacy [--dry-run] | import-legacy --from mysql://... [--dry-run]',
      );
  }
}

async function backfillCommand(rest: string[]): Promise<void> {
  const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean' } } });
  const dryRun = values['dry-run'] ?? false;
  const db = await openDatabase({ seedDemoIfEmpty: false });
  try {
    const result = await withConnection(db.pool, (client) => backfillLegacyMentors(client, { dryRun }));
    for (const entry of result.reported) {
      const what =
        entry.outcome === 'historical'
          ? 'kept as an inactive historical Primary'
          : 'not assigned; legacy column cleared';
      console.log(
        `worklet #${entry.workletId} “${entry.workletTitle}”: legacy mentor #${entry.mentorId}${entry.mentorName ? ` (${entry.mentorName})` : ''} ${what}: ${entry.message}`,
      );
    }
    console.log(
      `${dryRun ? 'dry run, nothing written: would create' : 'created'} ${result.assignmentsCreated} assignments and ` +
        `${result.historicalAssignments} inactive historical assignments, ${dryRun ? 'would correct' : 'corrected'} ` +
        `${result.legacyColumnsCorrected} legacy mentor columns; ${result.reported.length} legacy ids reported`,
    );
  } finally {
    await db.close();
  }
}

async function importLegacyCommand(rest: string[]): Promise<void> {
  const { values } = parseArgs({ args: rest, options: { from: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
  if (!values.from)
    throw new DatabaseError('usage: pnpm import-legacy --from mysql://USER@HOST:PORT/DATABASE [--dry-run]');
  const dryRun = values['dry-run'] ?? false;
  const legacy = await readLegacy(values.from);
  const db = await openDatabase({ seedDemoIfEmpty: false });
  try {
    const report = await withConnection(db.pool, (client) => importLegacy(client, legacy, { dryRun }));
    for (const line of importReportLines(report, dryRun)) console.log(line);
  } finally {
    await db.close();
  }
}

// The WebAssembly schema engine leaves a timer of its own behind for about ten seconds:
// exit as soon as the work is done.
main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      `error: ${error instanceof DatabaseError ? error.message : ((error as Error).message?.split('\n')[0] ?? String(error))}`,
    );
    process.exit(1);
  },
);
