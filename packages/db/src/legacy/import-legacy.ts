/**
 * `pnpm import-legacy --from mysql://...`: brings the legacy MySQL system's users, worklets
 * and assignments into Worklets, in one transaction, under today's rules.
 *
 *   - Idempotent: rows keep their legacy ids (`users.legacy_id`, `worklets.legacy_id`);
 *     a row imported before is left as it is (Worklets is the system of record once a row
 *     is in), and an assignment pair that exists is not touched. A second run changes nothing.
 *   - Users: emails are stored lower-case; legacy users whose emails differ only in case
 *     become one user (the lowest legacy id's name and role); a legacy user whose email a
 *     Worklets user already has is linked to that user, not duplicated.
 *   - Assignments (where the legacy table exists) go through the rule module like every
 *     other write: a student or unknown user gets no row; a deactivated mentor, an archived
 *     worklet or a full worklet gets an inactive historical row; a second active Primary
 *     becomes Secondary. Then the backfill (backfill-legacy.ts) moves the legacy
 *     `mentor_id` in under the same rules and makes the column agree with the Primary.
 *   - Every row that broke a rule is reported with what was done; none is fatal.
 *   - `dryRun`: the whole import runs and is rolled back, so the report is exact.
 * Two imports never interleave (a transaction-level advisory lock).
 */
import { mentorCountViolation, mentorViolation, workletViolation } from '../assignments/assignment-rules.ts';
import type { Queryable } from '../sql.ts';
import { type BackfillResult, backfillInTransaction } from './backfill-legacy.ts';
import { insertAssignments, type NewAssignment } from './insert-assignments.ts';
import type { LegacyAssignment, LegacyData, LegacyUser, LegacyWorklet } from './read-legacy.ts';

export type ImportProblem = { legacy: string; problem: string; action: string };

export type ImportReport = {
  users: { created: number; linked: number; alreadyImported: number };
  worklets: { created: number; alreadyImported: number };
  /** null when the legacy system has no assignment table. */
  assignments: { active: number; historical: number; notImported: number; alreadyPresent: number } | null;
  backfill: BackfillResult;
  problems: ImportProblem[];
};

const roles = new Set(['admin', 'mentor', 'student']);
const statuses = new Set(['draft', 'active', 'completed', 'archived']);

/** Legacy user id -> Worklets user id (case twins map to the same user). */
async function importUsers(db: Queryable, users: LegacyUser[], problems: ImportProblem[], report: ImportReport) {
  const canonical = new Map<string, LegacyUser>();
  const twinOf = new Map<number, number>();
  // Problems are reported for the users this run imports (a second run has none to report).
  const notes = new Map<number, ImportProblem[]>();
  const note = (firstId: number, p: ImportProblem) => notes.set(firstId, [...(notes.get(firstId) ?? []), p]);
  for (const u of users) {
    const email = u.email.trim().toLowerCase();
    const first = canonical.get(email);
    if (first) {
      twinOf.set(u.id, first.id);
      note(first.id, {
        legacy: `user #${u.id} ${u.email}`,
        problem: `same email as user #${first.id} (${first.email}) but for case`,
        action: `imported as one user with #${first.id}'s name and role; #${u.id}'s worklets go to them`,
      });
      continue;
    }
    canonical.set(email, u);
    twinOf.set(u.id, u.id);
    if (email !== u.email)
      note(u.id, {
        legacy: `user #${u.id} ${u.email}`,
        problem: 'email not in lower case',
        action: `stored as ${email}`,
      });
  }
  const emails = [...canonical.keys()];
  const legacyIds = [...canonical.values()].map((u) => u.id);
  const existing = await db.query<{ id: number; legacy_id: number | null; email: string }>(
    'SELECT id, legacy_id, email FROM users WHERE legacy_id = ANY($1::int[]) OR email = ANY($2::text[]) ORDER BY id FOR UPDATE',
    [legacyIds, emails],
  );
  const byLegacy = new Map(existing.rows.filter((r) => r.legacy_id !== null).map((r) => [r.legacy_id!, r.id]));
  const byEmail = new Map(existing.rows.map((r) => [r.email, r]));
  const ids = new Map<number, number>();
  const toInsert: (LegacyUser & { email: string })[] = [];
  const toLink: { id: number; legacyId: number }[] = [];
  for (const [email, u] of canonical) {
    const known = byLegacy.get(u.id) ?? byEmail.get(email)?.id;
    if (known === undefined) {
      toInsert.push({ ...u, email, role: roles.has(u.role) ? u.role : 'student' });
      continue;
    }
    ids.set(u.id, known);
    if (byLegacy.has(u.id)) report.users.alreadyImported++;
    else if (byEmail.get(email)!.legacy_id === null) toLink.push({ id: known, legacyId: u.id });
  }
  const inserted = await db.query<{ id: number; legacy_id: number }>(
    `INSERT INTO users (name, email, role, is_active, created_at, legacy_id)
     SELECT n, e, r, a, coalesce(c, now()), l
     FROM unnest($1::text[], $2::text[], $3::user_role[], $4::boolean[], $5::timestamptz[], $6::int[]) AS x(n, e, r, a, c, l)
     RETURNING id, legacy_id`,
    [
      toInsert.map((u) => u.name),
      toInsert.map((u) => u.email),
      toInsert.map((u) => u.role),
      toInsert.map((u) => u.isActive),
      toInsert.map((u) => u.createdAt),
      toInsert.map((u) => u.id),
    ],
  );
  for (const r of inserted.rows) ids.set(r.legacy_id, r.id);
  for (const u of toInsert) problems.push(...(notes.get(u.id) ?? []));
  await db.query(
    'UPDATE users SET legacy_id = x.l FROM unnest($1::int[], $2::int[]) AS x(id, l) WHERE users.id = x.id',
    [toLink.map((l) => l.id), toLink.map((l) => l.legacyId)],
  );
  report.users.created = inserted.rows.length;
  report.users.linked = toLink.length;
  return new Map([...twinOf].map(([legacy, first]) => [legacy, ids.get(first)!]));
}

/** Legacy worklet id -> Worklets worklet id; new worklets get the legacy `mentor_id` for the backfill. */
async function importWorklets(
  db: Queryable,
  worklets: LegacyWorklet[],
  userIds: Map<number, number>,
  problems: ImportProblem[],
  report: ImportReport,
) {
  const existing = await db.query<{ id: number; legacy_id: number }>(
    'SELECT id, legacy_id FROM worklets WHERE legacy_id = ANY($1::int[]) ORDER BY id FOR UPDATE',
    [worklets.map((w) => w.id)],
  );
  const ids = new Map(existing.rows.map((r) => [r.legacy_id, r.id]));
  report.worklets.alreadyImported = ids.size;
  const toInsert = worklets.filter((w) => !ids.has(w.id));
  for (const w of toInsert) {
    if (w.mentorId !== null && !userIds.has(w.mentorId))
      problems.push({
        legacy: `worklet #${w.id} “${w.title}”`,
        problem: `mentor_id ${w.mentorId} is no legacy user`,
        action: 'imported without a mentor',
      });
  }
  const inserted = await db.query<{ id: number; legacy_id: number }>(
    `INSERT INTO worklets (title, description, status, mentor_id, created_at, legacy_id)
     SELECT t, d, s, m, coalesce(c, now()), l
     FROM unnest($1::text[], $2::text[], $3::worklet_status[], $4::int[], $5::timestamptz[], $6::int[]) AS x(t, d, s, m, c, l)
     RETURNING id, legacy_id`,
    [
      toInsert.map((w) => w.title.trim() || `Legacy worklet #${w.id}`),
      toInsert.map((w) => w.description ?? ''),
      toInsert.map((w) => (statuses.has(w.status) ? w.status : 'draft')),
      toInsert.map((w) => (w.mentorId === null ? null : (userIds.get(w.mentorId) ?? null))),
      toInsert.map((w) => w.createdAt),
      toInsert.map((w) => w.id),
    ],
  );
  for (const r of inserted.rows) ids.set(r.legacy_id, r.id);
  report.worklets.created = inserted.rows.length;
  return { ids, created: toInsert };
}

type WorkletState = { title: string; status: string; active: number; primary: number | null; mentors: Set<number> };
type UserFacts = { id: number; name: string; role: string; isActive: boolean };

/** The current state of the worklets the legacy assignments touch (locked) and of their mentors. */
async function loadFacts(db: Queryable, workletIds: number[], userIds: number[]) {
  const worklets = await db.query<{ id: number; title: string; status: string }>(
    'SELECT id, title, status::text AS status FROM worklets WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE',
    [workletIds],
  );
  const assignments = await db.query<{ worklet_id: number; mentor_id: number; is_active: boolean; role_type: string }>(
    'SELECT worklet_id, mentor_id, is_active, role_type::text AS role_type FROM mentor_worklet_assignments WHERE worklet_id = ANY($1::int[])',
    [workletIds],
  );
  const state = new Map<number, WorkletState>(
    worklets.rows.map((w) => [
      w.id,
      { title: w.title, status: w.status, active: 0, primary: null, mentors: new Set() },
    ]),
  );
  for (const a of assignments.rows) {
    const w = state.get(a.worklet_id)!;
    w.mentors.add(a.mentor_id);
    if (a.is_active) w.active++;
    if (a.is_active && a.role_type === 'Primary') w.primary = a.mentor_id;
  }
  const users = await db.query<UserFacts>(
    'SELECT id, name, role::text AS role, is_active AS "isActive" FROM users WHERE id = ANY($1::int[]) ORDER BY id FOR SHARE',
    [userIds],
  );
  return { state, users: new Map(users.rows.map((u) => [u.id, u])) };
}

/** Decides one legacy assignment under the rules: the row to insert (maybe inactive, maybe Secondary) or null. */
function decide(
  a: LegacyAssignment,
  mentorId: number,
  worklet: WorkletState,
  mentor: UserFacts | undefined,
  problems: ImportProblem[],
): Omit<NewAssignment, 'workletId' | 'assignedById'> | null {
  const legacy = `assignment #${a.id} (user #${a.mentorId} on worklet #${a.workletId} “${worklet.title}”)`;
  const who = mentorViolation(mentor, mentorId);
  if (who && who.rule !== 'mentor_deactivated') {
    problems.push({ legacy, problem: who.message, action: 'not imported' });
    return null;
  }
  let role = (a.role ?? 'Primary') as NewAssignment['role'];
  let active = a.isActive;
  if (active) {
    const blocked = who ?? workletViolation(worklet) ?? mentorCountViolation(worklet, worklet.active + 1);
    if (blocked) {
      problems.push({ legacy, problem: blocked.message, action: 'imported as an inactive (historical) assignment' });
      active = false;
    }
  }
  if (active && role === 'Primary' && worklet.primary !== null) {
    problems.push({ legacy, problem: 'a second active Primary on this worklet', action: 'imported as Secondary' });
    role = 'Secondary';
  }
  return { mentorId, role, active, assignedAt: a.assignedAt };
}

async function importAssignments(
  db: Queryable,
  legacy: LegacyAssignment[],
  userIds: Map<number, number>,
  workletIds: Map<number, number>,
  problems: ImportProblem[],
) {
  const counts = { active: 0, historical: 0, notImported: 0, alreadyPresent: 0 };
  const mapped = [...legacy].sort((x, y) => x.workletId - y.workletId || x.id - y.id);
  const { state, users } = await loadFacts(
    db,
    [...new Set(mapped.map((a) => workletIds.get(a.workletId)).filter((id) => id !== undefined))],
    [...new Set(mapped.map((a) => userIds.get(a.mentorId)).filter((id) => id !== undefined))],
  );
  const rows: NewAssignment[] = [];
  for (const a of mapped) {
    const workletId = workletIds.get(a.workletId);
    const mentorId = userIds.get(a.mentorId);
    const worklet = workletId === undefined ? undefined : state.get(workletId);
    if (!worklet || mentorId === undefined) {
      problems.push({
        legacy: `assignment #${a.id}`,
        problem: 'names a user or worklet the legacy system does not have',
        action: 'not imported',
      });
      counts.notImported++;
      continue;
    }
    if (worklet.mentors.has(mentorId)) {
      counts.alreadyPresent++;
      continue;
    }
    const row = decide(a, mentorId, worklet, users.get(mentorId), problems);
    worklet.mentors.add(mentorId);
    if (!row) {
      counts.notImported++;
      continue;
    }
    const assignedById = a.assignedBy === null ? null : (userIds.get(a.assignedBy) ?? null);
    rows.push({ ...row, workletId: workletId!, assignedById });
    if (row.active) worklet.active++;
    if (row.active && row.role === 'Primary') worklet.primary = mentorId;
  }
  const inserted = await insertAssignments(db, rows);
  return { ...counts, active: inserted.active, historical: inserted.inactive, state };
}

/** Legacy `mentor_id`s that disagree with the Primary the assignment table gave the worklet. */
function reportDisagreements(
  worklets: LegacyWorklet[],
  userIds: Map<number, number>,
  workletIds: Map<number, number>,
  state: Map<number, WorkletState>,
  problems: ImportProblem[],
) {
  for (const w of worklets) {
    const s = state.get(workletIds.get(w.id)!);
    if (!s || s.primary === null || w.mentorId === null) continue;
    if (userIds.get(w.mentorId) === s.primary) continue;
    problems.push({
      legacy: `worklet #${w.id} “${w.title}”`,
      problem: `mentor_id ${w.mentorId} disagrees with the assignment table's active Primary`,
      action:
        "the assignment table's Primary kept; mentor_id set to them (the legacy mentor is kept by the backfill's rules)",
    });
  }
}

export async function importLegacy(db: Queryable, data: LegacyData, options: { dryRun?: boolean } = {}) {
  await db.query('BEGIN');
  try {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('worklets import-legacy'))`);
    const problems: ImportProblem[] = [];
    const report = {
      users: { created: 0, linked: 0, alreadyImported: 0 },
      worklets: { created: 0, alreadyImported: 0 },
    } as ImportReport;
    const userIds = await importUsers(db, data.users, problems, report);
    const worklets = await importWorklets(db, data.worklets, userIds, problems, report);
    if (data.assignments) {
      const { state, ...counts } = await importAssignments(db, data.assignments, userIds, worklets.ids, problems);
      reportDisagreements(worklets.created, userIds, worklets.ids, state, problems);
      report.assignments = counts;
    } else report.assignments = null;
    report.backfill = await backfillInTransaction(db);
    report.problems = problems;
    await db.query(options.dryRun ? 'ROLLBACK' : 'COMMIT');
    return report;
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}

/** The report as the command prints it: every problem with its action, then the totals. */
export function importReportLines(report: ImportReport, dryRun: boolean): string[] {
  const lines = report.problems.map((p) => `${p.legacy}: ${p.problem}: ${p.action}`);
  for (const entry of report.backfill.reported) {
    const what =
      entry.outcome === 'historical' ? 'kept as an inactive historical Primary' : 'not assigned; legacy column cleared';
    lines.push(
      `worklet “${entry.workletTitle}”: legacy mentor_id ${entry.mentorName ?? `#${entry.mentorId}`} ${what}: ${entry.message}`,
    );
  }
  const a = report.assignments;
  const b = report.backfill;
  lines.push(
    `${dryRun ? 'dry run, nothing written; would import' : 'imported'}: users ${report.users.created} new, ` +
      `${report.users.linked} linked by email, ${report.users.alreadyImported} already imported; ` +
      `worklets ${report.worklets.created} new, ${report.worklets.alreadyImported} already imported; ` +
      (a
        ? `assignments ${a.active} active, ${a.historical} historical, ${a.notImported} not imported, ${a.alreadyPresent} already present; `
        : 'no legacy assignment table; ') +
      `from mentor_id ${b.assignmentsCreated} active and ${b.historicalAssignments} historical assignments, ` +
      `${b.legacyColumnsCorrected} columns corrected; ${report.problems.length + b.reported.length} rows reported`,
  );
  return lines;
}
