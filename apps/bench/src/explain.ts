/**
 * `pnpm --filter @worklets/bench explain`: EXPLAIN (ANALYZE) of the main queries of every
 * benchmark workload, written to apps/bench/EXPLAIN.md.
 *
 * The Worklets statements are the ones Prisma really sends: each workload's procedure is
 * called once in-process (createCaller) on a client that records every statement with its
 * parameters, and each recorded statement is EXPLAINed with those parameters. The session
 * lookup of the HTTP path (better-auth getSession) is recorded the same way. The baseline's
 * hand-written SQL (baseline-sql.ts) is EXPLAINed with the same inputs, for comparison.
 * Writes are explained inside a transaction that is rolled back; the rows of the one real
 * call are removed again, and the id sequences put back, so the dataset stays as loaded.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCaller, createContextInner } from '@worklets/api';
import { createAuth } from '@worklets/auth';
import pg from 'pg';
import {
  cardMentorsSql,
  cardPageQuery,
  insertAssignmentSql,
  insertEventsSql,
  lockWorkletSql,
  mentorForAssignSql,
  mentorWorkletsSql,
  syncLegacyMentorSql,
  workletAssignmentsSql,
  workletMentorsSql,
} from './baseline-sql.ts';
import { type Dataset, restoreDataset } from './dataset.ts';
import { fail, installExitHandlers, parseOptions, prepareAdmin, prepareDatabase } from './setup.ts';
import { invoke, recordingClient, type Statement } from './statements.ts';
import { type Call, pageSize, seededRandom, workloads } from './workloads.ts';

const outputFile = fileURLToPath(new URL('../EXPLAIN.md', import.meta.url));
const log = (line: string) => console.log(`[explain] ${line}`);

type Explained = {
  label: string;
  sql: string;
  params: unknown[];
  plan: string;
  scans: Scans;
  executionMs: number | null;
  /** When only small tables were scanned sequentially: the plan with sequential scans disabled (the path once they grow). */
  grownPlan?: { plan: string; scans: Scans };
};
type Scans = { index: string[]; seq: string[]; verdict: string; ok: boolean };
type Section = { workload: string; title: string; input: unknown; worklets: Explained[]; baseline: Explained[] };

const controlStatement = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET\s)/i;

/** Rows per table (pg_class.reltuples): a sequential scan is only a problem on a big table. */
let tableRows = new Map<string, number>();
const bigTable = 10_000;

export function scansOf(plan: string): Scans {
  const index: string[] = [];
  const seq: string[] = [];
  for (const line of plan.split('\n')) {
    const m = /(Index Only Scan|Index Scan|Bitmap Index Scan)( Backward)?(?: using (\S+))? on (\S+)/.exec(line);
    if (m)
      index.push(
        m[1] === 'Bitmap Index Scan' ? `Bitmap Index Scan on ${m[4]}` : `${m[1]}${m[2] ?? ''} using ${m[3]} on ${m[4]}`,
      );
    const s = /Seq Scan on (\S+)/.exec(line);
    if (s) seq.push(s[1]!.replace(/^public\./, ''));
  }
  const rowsOf = (t: string) => tableRows.get(t.replace(/"/g, '')) ?? Number.POSITIVE_INFINITY;
  const bigSeq = seq.filter((t) => rowsOf(t) > bigTable).map((t) => `${t} (${rowsOf(t).toLocaleString('en-US')} rows)`);
  const isInsertValues = /^\s*Insert on/m.test(plan) && index.length === 0 && seq.length === 0;
  let verdict: string;
  let ok: boolean;
  if (bigSeq.length) {
    verdict = `SEQ SCAN on ${bigSeq.join(', ')}`;
    ok = false;
  } else if (index.length) {
    verdict = 'index';
    ok = true;
  } else if (isInsertValues) {
    verdict = 'n/a (insert of given rows; FK checks use primary keys)';
    ok = true;
  } else {
    verdict = seq.length
      ? `seq scan of small table(s): ${seq.map((t) => `${t} (${rowsOf(t).toLocaleString('en-US')} rows)`).join(', ')}`
      : 'no table scan';
    ok = true;
  }
  return { index: [...new Set(index)], seq, verdict, ok };
}

async function explain(
  db: pg.ClientBase,
  label: string,
  sql: string,
  params: unknown[],
  inTransaction = false,
): Promise<Explained> {
  const run = async () =>
    (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS, BUFFERS OFF) ${sql}`, params)).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
  const plan = await run();
  const time = /Execution Time: ([\d.]+) ms/.exec(plan);
  const explained: Explained = {
    label,
    sql: sql.trim(),
    params,
    plan,
    scans: scansOf(plan),
    executionMs: time ? Number(time[1]) : null,
  };
  if (!inTransaction && explained.scans.ok && explained.scans.seq.length > 0) {
    await db.query('BEGIN');
    try {
      await db.query('SET LOCAL enable_seqscan = off');
      const grown = await run();
      explained.grownPlan = { plan: grown, scans: scansOf(grown) };
    } finally {
      await db.query('ROLLBACK');
    }
  }
  return explained;
}

async function resetSequences(db: pg.ClientBase, dataset: Dataset) {
  await restoreDataset(db, dataset.seededMax);
  await db.query(`SELECT setval(pg_get_serial_sequence('mentor_worklet_assignments', 'id'), $1)`, [
    dataset.seededMax.assignments,
  ]);
  await db.query(`SELECT setval(pg_get_serial_sequence('assignment_events', 'id'), $1)`, [dataset.seededMax.events]);
}

function shortSql(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/"public"\./g, '')
    .trim();
}

/** Prisma's statements, one line per statement; parameters shown separately. */
function labelOf(statement: Statement, index: number): string {
  const sql = shortSql(statement.text);
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '?';
  const table = /(?:FROM|INTO|UPDATE)\s+"?(\w+)"?/i.exec(sql)?.[1] ?? '';
  return `${index + 1}. ${verb} ${table}`;
}

async function main() {
  installExitHandlers();
  const options = parseOptions(process.argv.slice(2));
  const prepared = await prepareDatabase(options, log);
  const { dataset, url } = prepared;
  const { user: admin, password } = await prepareAdmin(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  const db = await pool.connect();
  const recorder = recordingClient(url);
  const caller = createCaller(createContextInner({ db: recorder.db.prisma, user: admin }));
  const pgVersion = String((await db.query('SHOW server_version')).rows[0]?.server_version);
  tableRows = new Map(
    (
      await db.query<{ name: string; rows: number }>(
        `SELECT relname AS name, greatest(reltuples, 0)::bigint::int AS rows FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`,
      )
    ).rows.map((r) => [r.name, r.rows]),
  );
  const sections: Section[] = [];

  try {
    await resetSequences(db, dataset);
    const facts = dataset.facts;
    // A typical mentor: the median number of active worklets.
    const perMentor = new Map<number, number>();
    for (const [m] of facts.activePairs) perMentor.set(m, (perMentor.get(m) ?? 0) + 1);
    const mentors = [...perMentor.entries()].sort((a, b) => a[1] - b[1]);
    const [mentorId, mentorCount] = mentors[Math.floor(mentors.length / 2)]!;
    // A worklet in the middle with a typical team (two or more active mentors).
    const activeByWorklet = new Map<number, number>();
    for (const [, w] of facts.activePairs) activeByWorklet.set(w, (activeByWorklet.get(w) ?? 0) + 1);
    let workletId = Math.floor(facts.workletCount / 2);
    while ((activeByWorklet.get(workletId) ?? 0) < 2 && workletId < facts.workletCount) workletId++;
    const assignCall = (() => {
      const next = workloads.find((w) => w.name === 'assign')!.generator(facts, seededRandom(5));
      for (;;) {
        const call = next();
        if (!call.expectConflict) return call;
      }
    })();
    const samples: { workload: string; title: string; call: Call }[] = [
      {
        workload: 'worklet-mentors',
        title: `a worklet's active mentors (${activeByWorklet.get(workletId) ?? 0} active)`,
        call: { procedure: 'assignments.workletMentors', type: 'query', input: { workletId } },
      },
      {
        workload: 'mentor-worklets',
        title: `a mentor's active worklets (median mentor: ${mentorCount} active)`,
        call: { procedure: 'assignments.mentorWorklets', type: 'query', input: { mentorId } },
      },
      {
        workload: 'cards',
        title: 'card page of 50, no filter (first page)',
        call: { procedure: 'worklets.list', type: 'query', input: { limit: pageSize } },
      },
      {
        workload: 'cards-needs-primary',
        title: 'card page of 50, status=active & needs_primary (first page)',
        call: {
          procedure: 'worklets.list',
          type: 'query',
          input: { limit: pageSize, status: 'active', coverage: 'needs_primary' },
        },
      },
      {
        workload: 'cards-by-mentor',
        title: `card page of 50, mentorId filter (median mentor: ${mentorCount} active)`,
        call: { procedure: 'worklets.list', type: 'query', input: { limit: pageSize, mentorId } },
      },
      { workload: 'assign', title: 'assign a mentor (a new pair)', call: assignCall },
    ];

    // Warm the caches and Prisma, so the plans show steady-state timings.
    for (const s of samples) if (s.call.type === 'query') await invoke(caller, s.call);

    for (const sample of samples) {
      log(sample.workload);
      const section: Section = {
        workload: sample.workload,
        title: sample.title,
        input: sample.call.input,
        worklets: [],
        baseline: [],
      };
      const { statements, error } = await recorder.record(() => invoke(caller, sample.call));
      if (error) throw new Error(`${sample.workload}: the sample call failed: ${(error as Error).message}`);
      const real = statements.filter((s) => !controlStatement.test(s.text));
      if (sample.call.type === 'query') {
        for (const [i, s] of real.entries()) section.worklets.push(await explain(db, labelOf(s, i), s.text, s.values));
      } else {
        // Replay the write's statements in order, in a transaction that is rolled back.
        await resetSequences(db, dataset);
        await db.query('BEGIN');
        try {
          for (const [i, s] of real.entries())
            section.worklets.push(await explain(db, labelOf(s, i), s.text, s.values, true));
        } finally {
          await db.query('ROLLBACK');
          await resetSequences(db, dataset);
        }
      }
      section.baseline = await explainBaseline(db, sample.call, admin.id, admin.name);
      if (sample.call.type !== 'query') await resetSequences(db, dataset);
      sections.push(section);
    }

    // The session lookup that every HTTP request makes (better-auth, sessions + users).
    log('session lookup');
    const secret = randomBytes(32).toString('base64url');
    const auth = createAuth({ prisma: recorder.db.prisma, baseURL: 'http://localhost:3000', secret });
    const signIn = await auth.api.signInEmail({
      body: { email: admin.email, password },
      asResponse: true,
      headers: new Headers({ origin: 'http://localhost:3000' }),
    });
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { statements: sessionStatements } = await recorder.record(() =>
      auth.api.getSession({ headers: new Headers({ cookie }) }),
    );
    const session: Section = {
      workload: 'session lookup',
      title: 'better-auth getSession (every API request on the HTTP path)',
      input: { cookie: 'worklets.session_token=…' },
      worklets: [],
      baseline: [],
    };
    for (const [i, s] of sessionStatements.filter((s) => !controlStatement.test(s.text)).entries())
      session.worklets.push(await explain(db, labelOf(s, i), s.text, s.values));
    sections.push(session);
    await recorder.db.prisma.session.deleteMany({ where: { userId: admin.id } });
  } finally {
    await resetSequences(db, dataset).catch(() => {});
    db.release();
    await pool.end();
    await recorder.db.close();
  }

  writeFileSync(outputFile, render(sections, dataset, pgVersion, prepared.description));
  console.log('');
  for (const s of sections) {
    for (const [side, list] of [
      ['worklets', s.worklets],
      ['baseline', s.baseline],
    ] as const) {
      for (const e of list) {
        const path = e.scans.verdict === 'index' ? e.scans.index.join('; ') : e.scans.verdict;
        const grown = e.grownPlan
          ? ` (once it grows: ${e.grownPlan.scans.index.join('; ') || e.grownPlan.scans.verdict})`
          : '';
        console.log(
          `${e.scans.ok ? 'ok  ' : 'SLOW'} ${s.workload.padEnd(20)} ${side.padEnd(8)} ${e.label.padEnd(46)} ${(e.executionMs?.toFixed(2) ?? '-').padStart(7)} ms  ${path}${grown}`,
        );
      }
    }
  }
  console.log(`\nwrote ${outputFile}`);
  await prepared.embedded?.stop();
  process.exit(0);
}

async function explainBaseline(
  db: pg.ClientBase,
  call: Call,
  actorId: number,
  actorName: string,
): Promise<Explained[]> {
  const input = call.input as Record<string, number | string | undefined>;
  const out: Explained[] = [];
  switch (call.procedure) {
    case 'assignments.workletMentors':
      out.push(await explain(db, '1. SELECT mentor_worklet_assignments + users', workletMentorsSql, [input.workletId]));
      break;
    case 'assignments.mentorWorklets':
      out.push(
        await explain(db, '1. SELECT mentor_worklet_assignments + worklets', mentorWorkletsSql, [input.mentorId]),
      );
      break;
    case 'worklets.list': {
      const page = cardPageQuery(input as never, Number(input.limit));
      out.push(await explain(db, '1. SELECT worklets (page)', page.text, page.values));
      const ids = (await db.query<{ id: number }>(page.text, page.values)).rows
        .slice(0, Number(input.limit))
        .map((r) => r.id);
      out.push(await explain(db, '2. SELECT mentor_worklet_assignments + users', cardMentorsSql, [ids]));
      break;
    }
    case 'assignments.assign': {
      const { workletId, mentorId } = input as { workletId: number; mentorId: number };
      await db.query('BEGIN');
      try {
        out.push(await explain(db, '1. SELECT worklets FOR UPDATE', lockWorkletSql, [workletId], true));
        out.push(
          await explain(db, '2. SELECT mentor_worklet_assignments + users', workletAssignmentsSql, [workletId], true),
        );
        out.push(await explain(db, '3. SELECT users (the mentor)', mentorForAssignSql, [mentorId], true));
        const primary = (
          await db.query(
            `SELECT 1 FROM mentor_worklet_assignments WHERE worklet_id = $1 AND role_type = 'Primary' AND is_active`,
            [workletId],
          )
        ).rowCount;
        const role = primary ? 'Secondary' : 'Primary';
        out.push(
          await explain(
            db,
            '4. INSERT mentor_worklet_assignments',
            insertAssignmentSql,
            [mentorId, workletId, role, actorId],
            true,
          ),
        );
        const id = Number(
          (await db.query(`SELECT currval(pg_get_serial_sequence('mentor_worklet_assignments', 'id')) AS id`)).rows[0]
            .id,
        );
        const mentor = (await db.query('SELECT name, email FROM users WHERE id = $1', [mentorId])).rows[0];
        out.push(
          await explain(
            db,
            '5. INSERT assignment_events',
            insertEventsSql,
            [
              [id],
              [workletId],
              [mentorId],
              [mentor.name],
              [mentor.email],
              [actorId],
              [actorName],
              ['assigned'],
              [null],
              [role],
            ],
            true,
          ),
        );
        out.push(await explain(db, '6. UPDATE worklets (legacy mentor_id)', syncLegacyMentorSql, [workletId], true));
        out.push(
          await explain(db, '7. SELECT mentor_worklet_assignments + users', workletMentorsSql, [workletId], true),
        );
      } finally {
        await db.query('ROLLBACK');
      }
      break;
    }
  }
  return out;
}

function render(sections: Section[], dataset: Dataset, pgVersion: string, database: string): string {
  const size = dataset.size;
  const lines: string[] = [];
  lines.push('# EXPLAIN: the main queries of the benchmark workloads');
  lines.push('');
  lines.push('Generated by `pnpm --filter @worklets/bench explain` (apps/bench/src/explain.ts). Do not edit by hand.');
  lines.push('');
  lines.push(`- Generated: ${new Date().toISOString()}`);
  lines.push(
    `- Dataset: ${size.worklets.toLocaleString('en-US')} worklets, ${size.mentors.toLocaleString('en-US')} mentors, ${size.students.toLocaleString('en-US')} students, ` +
      `${dataset.counts.assignments.toLocaleString('en-US')} assignments (${dataset.counts.activeAssignments.toLocaleString('en-US')} active), ${dataset.counts.events.toLocaleString('en-US')} events`,
  );
  lines.push(`- Database: ${database}, PostgreSQL ${pgVersion}; tables VACUUM ANALYZEd after loading`);
  lines.push(
    '- Worklets: the statements Prisma sent for one in-process call (`createCaller`), with their parameters, EXPLAIN (ANALYZE) each. ' +
      'BEGIN/COMMIT are left out; writes are replayed in order in a transaction that is rolled back.',
  );
  lines.push('- Baseline: the hand-written SQL of apps/bench/src/baseline-sql.ts with the same inputs.');
  lines.push('');
  lines.push('## Summary: does every query path use an index?');
  lines.push('');
  lines.push('| workload | server | statement | execution ms | access path | index? |');
  lines.push('|---|---|---|---:|---|---|');
  for (const s of sections) {
    for (const [side, list] of [
      ['worklets', s.worklets],
      ['baseline', s.baseline],
    ] as const) {
      for (const e of list) {
        const grown = e.grownPlan
          ? [`once the table grows: ${e.grownPlan.scans.index.join(', ') || e.grownPlan.scans.verdict}`]
          : [];
        const path = [...e.scans.index, ...(e.scans.verdict === 'index' ? [] : [e.scans.verdict]), ...grown].join(
          '<br>',
        );
        lines.push(
          `| ${s.workload} | ${side} | ${e.label} | ${e.executionMs?.toFixed(3) ?? '-'} | ${path} | ${e.scans.ok ? 'yes' : '**NO**'} |`,
        );
      }
    }
  }
  lines.push('');
  const notOk = sections.flatMap((s) =>
    [...s.worklets, ...s.baseline].filter((e) => !e.scans.ok).map((e) => `${s.workload}: ${e.label}`),
  );
  lines.push(
    notOk.length
      ? `**Statements that scan a large table (over ${bigTable.toLocaleString('en-US')} rows) sequentially:** ${notOk.join('; ')}`
      : `Every statement of every workload reads large tables (over ${bigTable.toLocaleString('en-US')} rows) through an index; sequential scans, if any, are of small tables.`,
  );
  lines.push('');
  for (const s of sections) {
    lines.push(`## ${s.workload}: ${s.title}`);
    lines.push('');
    lines.push(`Input: \`${JSON.stringify(s.input)}\``);
    lines.push('');
    for (const [side, list] of [
      ['Worklets (Prisma)', s.worklets],
      ['Baseline (hand-written SQL)', s.baseline],
    ] as const) {
      if (!list.length) continue;
      lines.push(`### ${side}`);
      lines.push('');
      for (const e of list) {
        lines.push(`#### ${e.label}`);
        lines.push('');
        lines.push('```sql');
        lines.push(shortSql(e.sql));
        lines.push('```');
        const params = JSON.stringify(e.params);
        lines.push(`Parameters: \`${params.length > 400 ? `${params.slice(0, 400)}…` : params}\``);
        lines.push('');
        lines.push('```');
        lines.push(e.plan);
        lines.push('```');
        lines.push('');
        if (e.grownPlan) {
          lines.push(
            'The same statement with `SET LOCAL enable_seqscan = off` (the path the planner takes once the small table grows):',
          );
          lines.push('');
          lines.push('```');
          lines.push(e.grownPlan.plan);
          lines.push('```');
          lines.push('');
        }
      }
    }
  }
  return lines.join('\n');
}

main().catch(fail);
