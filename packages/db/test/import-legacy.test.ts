/**
 * `pnpm import-legacy` against the real MariaDB server: the legacy sample
 * (fixtures/legacy, a copy of ../shared/legacy) with its rule-breaking rows comes in under
 * today's rules, every such row is reported, a second run changes nothing, a dry run
 * writes nothing, case-twin emails become one user, and a legacy system without the
 * assignment table is imported through the backfill alone.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ImportReport, importLegacy } from '../src/legacy/import-legacy.ts';
import { readLegacy } from '../src/legacy/read-legacy.ts';
import { withConnection } from '../src/sql.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';
import { databaseTestTimeouts, dumpTables } from './support.ts';

vi.setConfig(databaseTestTimeouts);

const fixtures = join(import.meta.dirname, 'fixtures', 'legacy');
const mysqlServer = 'mysql://root@127.0.0.1:3306';
const legacyDbs: string[] = [];
let admin: mysql.Connection;

/** A new MariaDB database with the legacy schema, the sample and `extra` SQL; its URL. */
async function legacyDatabase(extra = ''): Promise<string> {
  const name = `worklets_legacy_${process.pid}_${legacyDbs.length}_${Date.now().toString(36)}`;
  legacyDbs.push(name);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.query(`USE ${name}`);
  await admin.query(await readFile(join(fixtures, 'schema.sql'), 'utf8'));
  await admin.query(await readFile(join(fixtures, 'sample.sql'), 'utf8'));
  if (extra) await admin.query(extra);
  return `${mysqlServer}/${name}`;
}

async function run(db: TestDatabase, url: string, dryRun = false): Promise<ImportReport> {
  const data = await readLegacy(url);
  return withConnection(db.pool, (client) => importLegacy(client, data, { dryRun }));
}

const problemsOf = (r: ImportReport) => [
  ...r.problems.map((p) => `${p.legacy} -> ${p.action}`),
  ...r.backfill.reported.map((e) => `${e.workletTitle} -> ${e.outcome}`),
];

beforeAll(async () => {
  admin = await mysql.createConnection({ uri: mysqlServer, multipleStatements: true });
});

afterAll(async () => {
  for (const name of legacyDbs) await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin?.end();
});

describe('the legacy sample', () => {
  let db: TestDatabase;
  let url: string;
  let dry: ImportReport;
  let first: ImportReport;

  beforeAll(async () => {
    db = await createTestDatabase();
    url = await legacyDatabase();
    const empty = await dumpTables(db.pool);
    dry = await run(db, url, true);
    expect(await dumpTables(db.pool)).toEqual(empty);
    first = await run(db, url);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('imports every user and worklet with its legacy id, emails in lower case', async () => {
    expect(first.users).toEqual({ created: 7, linked: 0, alreadyImported: 0 });
    expect(first.worklets).toEqual({ created: 7, alreadyImported: 0 });
    const users = await db.pool.query('SELECT legacy_id, email, role::text, is_active FROM users ORDER BY legacy_id');
    expect(users.rows.map((u) => u.legacy_id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(users.rows.find((u) => u.legacy_id === 4).email).toBe('arjun.rao@globex.example');
    expect(users.rows.find((u) => u.legacy_id === 5).is_active).toBe(false);
    const worklets = await db.pool.query('SELECT legacy_id FROM worklets ORDER BY legacy_id');
    expect(worklets.rows.map((w) => w.legacy_id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('reports every rule-breaking row with what was done about it', () => {
    const found = problemsOf(first);
    expect(found).toHaveLength(6);
    expect(found).toEqual(
      expect.arrayContaining([
        'user #4 Arjun.Rao@Globex.example -> stored as arjun.rao@globex.example',
        'assignment #4 (user #3 on worklet #2 “Accessible transit maps”) -> imported as Secondary',
        expect.stringMatching(/^worklet #2 “Accessible transit maps” -> the assignment table's Primary kept/),
        'Legacy archive cleanup -> historical',
        'Speech to sign language -> historical',
        'Peer tutoring matcher -> dropped',
      ]),
    );
    expect(first.assignments).toEqual({ active: 4, historical: 0, notImported: 0, alreadyPresent: 0 });
  });

  it('turns no row into rule-breaking data', async () => {
    const q = (sql: string) => db.pool.query(sql).then((r) => r.rows);
    // One active Primary at most per worklet, and the legacy column names it.
    expect(
      await q(`SELECT w.id FROM worklets w WHERE w.mentor_id IS DISTINCT FROM
                 (SELECT mentor_id FROM mentor_worklet_assignments p WHERE p.worklet_id = w.id AND p.role_type = 'Primary' AND p.is_active)`),
    ).toEqual([]);
    // Active assignments only for active mentors, never on archived worklets.
    expect(
      await q(`SELECT a.id FROM mentor_worklet_assignments a JOIN users u ON u.id = a.mentor_id JOIN worklets w ON w.id = a.worklet_id
               WHERE a.is_active AND (u.role <> 'mentor' OR NOT u.is_active OR w.status = 'archived')`),
    ).toEqual([]);
    // Worklet 2: Arjun Primary (assignment table), Mei Secondary; the active count is kept.
    const two = await q(`SELECT u.name, a.role_type::text AS role, w.active_mentors FROM mentor_worklet_assignments a
                         JOIN users u ON u.id = a.mentor_id JOIN worklets w ON w.id = a.worklet_id
                         WHERE w.legacy_id = 2 AND a.is_active ORDER BY a.role_type`);
    expect(two).toEqual([
      { name: 'Arjun Rao', role: 'Primary', active_mentors: 2 },
      { name: 'Mei Lin', role: 'Secondary', active_mentors: 2 },
    ]);
    // The history keeps who assigned (the legacy assigned_by) for imported rows.
    const events = await q(`SELECT count(*)::int AS n FROM assignment_events WHERE actor_name = 'Grace Okafor'`);
    expect(events).toEqual([{ n: 4 }]);
  });

  it('a dry run reports exactly what the import then did', () => {
    // The same report but for Worklets ids (the rolled-back dry run used up sequence values).
    const withoutIds = (r: ImportReport) => ({
      ...r,
      backfill: { ...r.backfill, reported: r.backfill.reported.map(({ workletId, mentorId, ...e }) => e) },
    });
    expect(withoutIds(dry)).toEqual(withoutIds(first));
    expect(problemsOf(dry)).toHaveLength(6);
  });

  it('importing again changes nothing', async () => {
    const before = await dumpTables(db.pool);
    const again = await run(db, url);
    expect(await dumpTables(db.pool)).toEqual(before);
    expect(again.users).toEqual({ created: 0, linked: 0, alreadyImported: 7 });
    expect(again.worklets).toEqual({ created: 0, alreadyImported: 7 });
    expect(again.assignments).toEqual({ active: 0, historical: 0, notImported: 0, alreadyPresent: 4 });
    expect(problemsOf(again)).toEqual([]);
  });
});

describe('other legacy data', () => {
  it('makes case-twin emails one user and links a user Worklets already has', async () => {
    const db = await createTestDatabase();
    try {
      await db.pool.query(`INSERT INTO users (name, email, role) VALUES ('Mei Lin', 'mei.lin@acme.example', 'mentor')`);
      // A legacy system whose emails compare case-sensitively (a binary collation) can hold both.
      const url = await legacyDatabase(`
        ALTER TABLE users MODIFY email VARCHAR(254) COLLATE utf8mb4_bin NOT NULL;
        INSERT INTO users (id, name, email, role) VALUES (8, 'Arjun R.', 'ARJUN.RAO@globex.example', 'mentor');
        INSERT INTO worklets (id, title, status, mentor_id) VALUES (8, 'Twin worklet', 'active', 8);`);
      const report = await run(db, url);
      expect(report.users).toEqual({ created: 6, linked: 1, alreadyImported: 0 });
      expect(report.problems.map((p) => p.legacy)).toContain('user #8 ARJUN.RAO@globex.example');
      const arjun = await db.pool.query(`SELECT id FROM users WHERE email = 'arjun.rao@globex.example'`);
      expect(arjun.rows).toHaveLength(1);
      const twin = await db.pool.query(`SELECT mentor_id FROM worklets WHERE legacy_id = 8`);
      expect(twin.rows).toEqual([{ mentor_id: arjun.rows[0].id }]);
      const mei = await db.pool.query(
        `SELECT count(*)::int AS n, min(legacy_id) AS legacy FROM users WHERE email = 'mei.lin@acme.example'`,
      );
      expect(mei.rows).toEqual([{ n: 1, legacy: 3 }]);
    } finally {
      await db.close();
    }
  });

  it('imports a legacy system without the assignment table through the backfill alone', async () => {
    const db = await createTestDatabase();
    try {
      const url = await legacyDatabase('DROP TABLE mentor_worklet_assignments;');
      const report = await run(db, url);
      expect(report.assignments).toBeNull();
      expect(report.backfill.assignmentsCreated).toBe(3);
      const primaries = await db.pool.query(
        `SELECT w.legacy_id, u.legacy_id AS mentor FROM worklets w JOIN users u ON u.id = w.mentor_id ORDER BY 1`,
      );
      expect(primaries.rows).toEqual([
        { legacy_id: 1, mentor: 2 },
        { legacy_id: 2, mentor: 3 },
        { legacy_id: 3, mentor: 4 },
      ]);
    } finally {
      await db.close();
    }
  });

  it('says which legacy database it cannot reach, without its password', async () => {
    await expect(readLegacy('mysql://root:s3cret@127.0.0.1:1/nowhere')).rejects.toThrow(
      /^cannot connect to the legacy database at mysql:\/\/root:\*\*\*@127\.0\.0\.1:1\/nowhere/,
    );
    await expect(readLegacy('postgresql://x@y/z')).rejects.toThrow(/--from takes a mysql:\/\//);
  });
});

describe('pnpm import-legacy', () => {
  it('prints the plan of a dry run and exits 0', async () => {
    const url = await legacyDatabase();
    const db = await createTestDatabase();
    try {
      const { stdout } = await promisify(execFile)('pnpm', ['--silent', 'import-legacy', '--from', url, '--dry-run'], {
        cwd: join(import.meta.dirname, '..', '..', '..'),
        env: { ...process.env, DATABASE_URL: db.connectionString },
      });
      expect(stdout).toContain('Peer tutoring matcher');
      expect(stdout).toMatch(/dry run, nothing written; would import: users 7 new/);
      expect((await db.pool.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 0 }]);
    } finally {
      await db.close();
    }
  });
});
