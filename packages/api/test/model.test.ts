/**
 * Model-based property test of the assignment writes. fast-check generates random sequences
 * of assign / setMentors / changeRole / deactivate / reactivate (and status changes) on two
 * worklets with a small pool of mentors, some of whom cannot be assigned. An in-memory model
 * implements the domain rules independently: for every step it says whether the call must
 * fail (and with which code) or which changes it makes. After EVERY step the database must
 * equal the model: the same assignment rows (ids kept on reactivation), no duplicate pair,
 * at most one active Primary per worklet, the legacy column on the Primary, exactly the
 * events the model expects (one per change, with the caller as actor), and nothing at all
 * written by a rejected call.
 * Versions (issue 11): the model counts each worklet's version (one more for every accepted
 * write that changes something); setMentors and status updates send a fresh or a stale
 * `expectedVersion`, and a stale one must be a CONFLICT that writes nothing, carrying the
 * current version. Creates reuse a few idempotency keys: a repeated key returns the first
 * worklet and writes nothing.
 */
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../src/context.ts';
import { DetailedError } from '../src/errors.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';

type Role = 'Primary' | 'Secondary' | 'Collaborator';
type Status = 'draft' | 'active' | 'completed' | 'archived';
type Code = TRPCError['code'];

const roleOrder: Role[] = ['Primary', 'Secondary', 'Collaborator'];
const NO_SUCH_USER = 2_000_000_000;
const NO_SUCH_ASSIGNMENT = 2_000_000_001;

// --- The operations fast-check generates ------------------------------------------------
// `m` indexes the candidates: 0-4 are active mentors, 5 a student, 6 a deactivated mentor,
// 7 an id no user has. `by` picks one of two admins as the caller. Calls that name an
// assignment carry a `target`: which of the worklet's rows (as the model has them at that
// step) they name, preferably an active one for changeRole/deactivate and an inactive one
// for reactivate; `null` names an assignment that does not exist.

type Target = { pick: number; prefer: boolean } | null;

type Op =
  | { kind: 'assign'; w: number; m: number; role: Role | undefined; rp: boolean | undefined; by: number }
  | { kind: 'setMentors'; w: number; entries: { m: number; role: Role }[]; stale: number; by: number }
  | { kind: 'changeRole'; w: number; target: Target; role: Role; rp: boolean | undefined; by: number }
  | { kind: 'deactivate'; w: number; target: Target; by: number }
  | { kind: 'reactivate'; w: number; target: Target; role: Role | undefined; rp: boolean | undefined; by: number }
  | { kind: 'setStatus'; w: number; status: Status; stale: number; by: number }
  | { kind: 'create'; key: number; by: number };

const roleArb = fc.constantFrom<Role>('Primary', 'Secondary', 'Collaborator');
const statusArb = fc.constantFrom<Status>('active', 'active', 'draft', 'completed', 'archived');
const mArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 14 },
  { arbitrary: fc.integer({ min: 5, max: 7 }), weight: 1 },
);
// Most calls go to the first worklet, so its state gets rich enough for the handover rules.
const wArb = fc.constantFrom(0, 0, 0, 1);
const byArb = fc.integer({ min: 0, max: 1 });
/** How far `expectedVersion` is off the current version: mostly 0 (fresh), else stale (older or unknown newer). */
const staleArb = fc.constantFrom(0, 0, 0, 0, -1, -3, 1);
const rpArb = fc.constantFrom<boolean | undefined>(undefined, false, true, true);
/** A role or none (the API then picks the default); Primary is favoured to exercise the handover rules. */
const optionalRoleArb = fc.constantFrom<Role | undefined>(undefined, 'Primary', 'Primary', 'Secondary', 'Collaborator');
const entryArb = fc.record({ m: mArb, role: roleArb });
const targetArb: fc.Arbitrary<Target> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ pick: fc.nat({ max: 20 }), prefer: fc.constantFrom(true, true, true, false) }) },
  { weight: 1, arbitrary: fc.constant(null) },
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('assign' as const),
      w: wArb,
      m: mArb,
      role: optionalRoleArb,
      rp: rpArb,
      by: byArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('setMentors' as const),
      w: wArb,
      entries: fc.oneof(
        { weight: 4, arbitrary: fc.uniqueArray(entryArb, { selector: (e) => e.m, maxLength: 4 }) },
        { weight: 1, arbitrary: fc.array(entryArb, { maxLength: 4 }) },
      ),
      stale: staleArb,
      by: byArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('changeRole' as const),
      w: wArb,
      target: targetArb,
      role: roleArb,
      rp: rpArb,
      by: byArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('deactivate' as const), w: wArb, target: targetArb, by: byArb }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('reactivate' as const),
      w: wArb,
      target: targetArb,
      role: optionalRoleArb,
      rp: rpArb,
      by: byArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('setStatus' as const),
      w: wArb,
      status: statusArb,
      stale: staleArb,
      by: byArb,
    }),
  },
  {
    // Few keys, mostly the first admin's first key: repeated keys happen in most runs.
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      key: fc.constantFrom(0, 0, 0, 1, 2),
      by: fc.constantFrom(0, 0, 1),
    }),
  },
);

// --- The model -----------------------------------------------------------------------------

/** One assignment row; `id` is -1 until the database has given the new row its id. */
type Row = { id: number; m: number; role: Role; active: boolean; by: number };
type WorkletModel = { status: Status; version: number; rows: Map<number, Row> };
/** `created`: worklet id per `${by}:${key}` idempotency key used so far in this run. */
type Model = { worklets: WorkletModel[]; created: Map<string, number> };
type ExpectedEvent = {
  type: 'assigned' | 'role_changed' | 'deactivated' | 'reactivated' | 'worklet_updated';
  w: number;
  m: number | null;
  oldRole: Role | null;
  newRole: Role | null;
};
type Decision =
  | { ok: false; code: Code; primaryMentor?: number; currentVersion?: number }
  | { ok: true; next: Model; events: ExpectedEvent[] };

function cloneModel(model: Model): Model {
  return {
    created: new Map(model.created),
    worklets: model.worklets.map((w) => ({
      status: w.status,
      version: w.version,
      rows: new Map([...w.rows].map(([m, r]) => [m, { ...r }])),
    })),
  };
}

/** Why a candidate cannot be assigned (the code the API must answer), or null. */
function unassignable(m: number): Code | null {
  if (m === 7) return 'NOT_FOUND';
  if (m === 5 || m === 6) return 'BAD_REQUEST';
  return null;
}

const activePrimary = (w: WorkletModel) => [...w.rows.values()].find((r) => r.active && r.role === 'Primary');

/** The candidate whose row an assignment call names, or null for an assignment that does not exist. */
/** The expectedVersion a versioned call sends: the current one, or a stale one (never below 1). */
function expectedVersionOf(model: Model, op: Op): number {
  if (op.kind !== 'setMentors' && op.kind !== 'setStatus') return 0;
  const current = model.worklets[op.w]!.version;
  const wanted = current + op.stale;
  return wanted >= 1 ? wanted : current + 1;
}

function resolveTarget(model: Model, op: Op): number | null {
  if (op.kind !== 'changeRole' && op.kind !== 'deactivate' && op.kind !== 'reactivate') return null;
  if (!op.target) return null;
  const rows = [...model.worklets[op.w]!.rows.values()].sort((a, b) => a.m - b.m);
  const wanted = op.kind === 'reactivate' ? (r: Row) => !r.active : (r: Row) => r.active;
  const preferred = rows.filter(wanted);
  const pool = op.target.prefer && preferred.length > 0 ? preferred : rows;
  return pool.length === 0 ? null : pool[op.target.pick % pool.length]!.m;
}

function decide(model: Model, op: Op, actor: number, target: number | null): Decision {
  const next = cloneModel(model);
  if (op.kind === 'create') {
    const key = `${op.by}:${op.key}`;
    if (!next.created.has(key)) next.created.set(key, -1);
    return { ok: true, next, events: [] };
  }
  const w = next.worklets[op.w]!;
  // Input validation (zod) comes first, then the version check, then the domain rules.
  if (op.kind === 'setMentors') {
    const ms = op.entries.map((e) => e.m);
    if (new Set(ms).size !== ms.length) return { ok: false, code: 'BAD_REQUEST' };
    if (op.entries.filter((e) => e.role === 'Primary').length > 1) return { ok: false, code: 'BAD_REQUEST' };
  }
  if ((op.kind === 'setMentors' || op.kind === 'setStatus') && expectedVersionOf(model, op) !== w.version)
    return { ok: false, code: 'CONFLICT', currentVersion: w.version };
  const events: ExpectedEvent[] = [];
  const event = (type: ExpectedEvent['type'], m: number, oldRole: Role | null, newRole: Role | null) =>
    events.push({ type, w: op.w, m, oldRole, newRole });
  const fail = (code: Code, primaryMentor?: number): Decision => ({ ok: false, code, primaryMentor });

  /** A mentor becoming Primary: demote the current one, or refuse. Returns a failure or null. */
  const handover = (m: number, role: Role, replace: boolean | undefined): Decision | null => {
    const current = activePrimary(w);
    if (role !== 'Primary' || !current || current.m === m) return null;
    if (!replace) return fail('CONFLICT', current.m);
    event('role_changed', current.m, 'Primary', 'Secondary');
    current.role = 'Secondary';
    return null;
  };

  switch (op.kind) {
    case 'assign': {
      const existing = w.rows.get(op.m);
      if (existing?.active) return fail('CONFLICT');
      const bad = unassignable(op.m);
      if (bad) return fail(bad);
      if (w.status === 'archived') return fail('BAD_REQUEST');
      const role = op.role ?? (activePrimary(w) ? 'Secondary' : 'Primary');
      const refused = handover(op.m, role, op.rp);
      if (refused) return refused;
      if (existing) {
        Object.assign(existing, { active: true, role, by: actor });
        event('reactivated', op.m, null, role);
      } else {
        w.rows.set(op.m, { id: -1, m: op.m, role, active: true, by: actor });
        event('assigned', op.m, null, role);
      }
      break;
    }
    case 'setMentors': {
      const ms = op.entries.map((e) => e.m);
      if (new Set(ms).size !== ms.length) return fail('BAD_REQUEST');
      if (op.entries.filter((e) => e.role === 'Primary').length > 1) return fail('BAD_REQUEST');
      const joining = op.entries.filter((e) => !w.rows.get(e.m)?.active);
      if (joining.length > 0 && w.status === 'archived') return fail('BAD_REQUEST');
      for (const e of joining) {
        const bad = unassignable(e.m);
        if (bad) return fail(bad);
      }
      for (const row of w.rows.values()) {
        if (row.active && !ms.includes(row.m)) {
          event('deactivated', row.m, row.role, null);
          row.active = false;
        }
      }
      for (const { m, role } of op.entries) {
        const row = w.rows.get(m);
        if (!row) {
          w.rows.set(m, { id: -1, m, role, active: true, by: actor });
          event('assigned', m, null, role);
        } else if (!row.active) {
          Object.assign(row, { active: true, role, by: actor });
          event('reactivated', m, null, role);
        } else if (row.role !== role) {
          event('role_changed', m, row.role, role);
          row.role = role;
        }
      }
      break;
    }
    case 'changeRole': {
      const row = target === null ? undefined : w.rows.get(target);
      if (!row) return fail('NOT_FOUND');
      if (!row.active) return fail('BAD_REQUEST');
      if (row.role === op.role) break;
      const refused = handover(row.m, op.role, op.rp);
      if (refused) return refused;
      event('role_changed', row.m, row.role, op.role);
      row.role = op.role;
      break;
    }
    case 'deactivate': {
      const row = target === null ? undefined : w.rows.get(target);
      if (!row) return fail('NOT_FOUND');
      if (!row.active) return fail('CONFLICT');
      event('deactivated', row.m, row.role, null);
      row.active = false;
      break;
    }
    case 'reactivate': {
      const row = target === null ? undefined : w.rows.get(target);
      if (!row) return fail('NOT_FOUND');
      if (row.active) return fail('CONFLICT');
      const bad = unassignable(row.m);
      if (bad) return fail(bad);
      if (w.status === 'archived') return fail('BAD_REQUEST');
      const role = op.role ?? (activePrimary(w) ? 'Secondary' : 'Primary');
      const refused = handover(row.m, role, op.rp);
      if (refused) return refused;
      Object.assign(row, { active: true, role, by: actor });
      event('reactivated', row.m, null, role);
      break;
    }
    case 'setStatus':
      if (w.status !== op.status)
        events.push({ type: 'worklet_updated', w: op.w, m: null, oldRole: null, newRole: null });
      w.status = op.status;
      break;
  }
  // One version more for every write that changed something, whatever the number of changes.
  if (events.length > 0) w.version++;
  return { ok: true, next, events };
}

// --- The system under test -----------------------------------------------------------------

let f: ApiFixture;
let admins: SessionUser[];
let candidates: number[];
let workletIds: number[];

beforeAll(async () => {
  f = await createApiFixture();
  admins = [await f.user('admin', { name: 'Model Admin One' }), await f.user('admin', { name: 'Model Admin Two' })];
  const pool: number[] = [];
  for (let i = 0; i < 5; i++) pool.push((await f.user('mentor', { name: `Model Mentor ${i}` })).id);
  const student = await f.user('student', { name: 'Model Student' });
  const inactive = await f.user('mentor', { name: 'Model Inactive', isActive: false });
  candidates = [...pool, student.id, inactive.id, NO_SUCH_USER];
  workletIds = [(await f.worklet({ title: 'Model worklet A' })).id, (await f.worklet({ title: 'Model worklet B' })).id];
});
afterAll(async () => {
  await f?.close();
});

/** The idempotency keys of the current run, by caller and key number. */
let runKeys: string[][] = [];

async function reset(statuses: Status[]) {
  await f.db.pool.query('DELETE FROM assignment_events');
  await f.db.pool.query('DELETE FROM mentor_worklet_assignments');
  await f.db.pool.query('DELETE FROM worklets WHERE NOT (id = ANY($1::int[]))', [workletIds]);
  for (const [i, id] of workletIds.entries()) {
    await f.db.pool.query(
      `UPDATE worklets SET mentor_id = NULL, version = 1, status = $2::worklet_status WHERE id = $1`,
      [id, statuses[i]],
    );
  }
  runKeys = admins.map(() => [f.key(), f.key(), f.key()]);
}

/** Everything a write could touch, read in three statements. */
async function dbState() {
  const rows = await f.db.pool.query<{
    id: number;
    worklet_id: number;
    mentor_id: number;
    role: Role;
    is_active: boolean;
    assigned_by: number | null;
    assigned_at: Date;
  }>(
    `SELECT id, worklet_id, mentor_id, role_type::text AS role, is_active, assigned_by, assigned_at FROM mentor_worklet_assignments ORDER BY id`,
  );
  const events = await f.db.pool.query<{ n: number; last: number | null }>(
    `SELECT count(*)::int AS n, max(id) AS last FROM assignment_events`,
  );
  const worklets = await f.db.pool.query<{
    id: number;
    status: Status;
    mentor_id: number | null;
    version: number;
    updated_at: Date;
  }>(`SELECT id, status::text AS status, mentor_id, version, updated_at FROM worklets ORDER BY id`);
  return { rows: rows.rows, events: events.rows[0]!, worklets: worklets.rows };
}

function call(op: Op, model: Model, target: number | null) {
  const api = f.callerFor(admins[op.by]!);
  const w = op.kind === 'create' ? 0 : op.w;
  const workletId = workletIds[w]!;
  const assignmentId = () => (target === null ? NO_SUCH_ASSIGNMENT : model.worklets[w]!.rows.get(target)!.id);
  switch (op.kind) {
    case 'assign':
      return api.assignments.assign({ workletId, mentorId: candidates[op.m]!, role: op.role, replacePrimary: op.rp });
    case 'setMentors':
      return api.assignments.setMentors({
        workletId,
        expectedVersion: expectedVersionOf(model, op),
        mentors: op.entries.map((e) => ({ mentorId: candidates[e.m]!, role: e.role })),
      });
    case 'changeRole':
      return api.assignments.changeRole({ assignmentId: assignmentId(), role: op.role, replacePrimary: op.rp });
    case 'deactivate':
      return api.assignments.deactivate({ assignmentId: assignmentId() });
    case 'reactivate':
      return api.assignments.reactivate({ assignmentId: assignmentId(), role: op.role, replacePrimary: op.rp });
    case 'setStatus':
      return api.worklets.update({ id: workletId, expectedVersion: expectedVersionOf(model, op), status: op.status });
    case 'create':
      return api.worklets.create({ idempotencyKey: runKeys[op.by]![op.key]!, title: `Created by model ${op.key}` });
  }
}

const eventKey = (e: {
  type: string;
  workletId: number;
  mentorId: number | null;
  oldRole: string | null;
  newRole: string | null;
  actorId: number | null;
  actorName: string | null;
}) => JSON.stringify([e.type, e.workletId, e.mentorId, e.oldRole, e.newRole, e.actorId, e.actorName]);

const stats = new Map<string, number>();

async function step(model: Model, op: Op, index: number): Promise<Model> {
  const where = `step ${index}: ${JSON.stringify(op)}`;
  const actor = admins[op.by]!;
  const target = resolveTarget(model, op);
  const decision = decide(model, op, actor.id, target);
  const outcome =
    op.kind === 'create'
      ? `create ${model.created.has(`${op.by}:${op.key}`) ? 'repeated key' : 'new key'}`
      : `${op.kind} ${decision.ok ? `ok/${decision.events.length}` : decision.code}`;
  stats.set(outcome, (stats.get(outcome) ?? 0) + 1);
  const before = await dbState();
  let result: unknown;
  let error: unknown;
  try {
    result = await call(op, model, target);
  } catch (e) {
    error = e;
  }

  if (!decision.ok) {
    expect(error, `${where}: expected ${decision.code}`).toBeInstanceOf(TRPCError);
    const trpc = error as TRPCError;
    expect(trpc.code, `${where}: ${trpc.message}`).toBe(decision.code);
    if (decision.primaryMentor !== undefined) {
      expect(trpc.cause, where).toBeInstanceOf(DetailedError);
      expect((trpc.cause as DetailedError).details.primaryMentor?.id, where).toBe(candidates[decision.primaryMentor]);
    }
    if (decision.currentVersion !== undefined) {
      // A stale write: refused with the current version for the client to review.
      expect(trpc.cause, where).toBeInstanceOf(DetailedError);
      expect((trpc.cause as DetailedError).details.staleWrite?.currentVersion, where).toBe(decision.currentVersion);
    }
    expect(await dbState(), `${where}: a rejected call wrote something`).toEqual(before);
    return model;
  }

  if (error)
    throw new Error(
      `${where}: expected success, got ${error instanceof TRPCError ? `${error.code}: ${error.message}` : String(error)}`,
    );
  const next = decision.next;
  const after = await dbState();

  if (op.kind === 'create') {
    // Idempotency: a key used before returns the first worklet and writes nothing.
    const key = `${op.by}:${op.key}`;
    const id = (result as { id: number }).id;
    if (model.created.has(key)) {
      expect(id, `${where}: the same key returns the first worklet`).toBe(model.created.get(key));
      expect(after, `${where}: a repeated create wrote something`).toEqual(before);
    } else {
      expect(after.worklets.length, where).toBe(before.worklets.length + 1);
      next.created.set(key, id);
    }
    return next;
  }

  // The rows: exactly the model's, same ids for rows that existed, new ids for new pairs.
  const known = new Set(before.rows.map((r) => r.id));
  const pairs = new Set(after.rows.map((r) => `${r.worklet_id}:${r.mentor_id}`));
  expect(pairs.size, `${where}: duplicate pair`).toBe(after.rows.length);
  const expectedRows: unknown[] = [];
  for (const [w, wm] of next.worklets.entries()) {
    for (const row of wm.rows.values()) {
      if (row.id === -1) {
        const created = after.rows.find((r) => r.worklet_id === workletIds[w] && r.mentor_id === candidates[row.m]);
        expect(created, `${where}: new row for mentor ${row.m} on worklet ${w}`).toBeDefined();
        expect(known.has(created!.id), `${where}: a new pair must get a new row`).toBe(false);
        row.id = created!.id;
      }
      expectedRows.push({
        id: row.id,
        worklet_id: workletIds[w],
        mentor_id: candidates[row.m],
        role: row.role,
        is_active: row.active,
        assigned_by: row.by,
      });
    }
  }
  const actualRows = after.rows.map(({ assigned_at: _, ...r }) => r);
  const byId = (a: unknown, b: unknown) => (a as { id: number }).id - (b as { id: number }).id;
  expect(actualRows.sort(byId), where).toEqual(expectedRows.sort(byId));

  // Invariants: one active Primary at most, the legacy column on it, the statuses.
  for (const [w, wm] of next.worklets.entries()) {
    const primaries = after.rows.filter((r) => r.worklet_id === workletIds[w] && r.is_active && r.role === 'Primary');
    expect(primaries.length, where).toBeLessThanOrEqual(1);
    const worklet = after.worklets.find((x) => x.id === workletIds[w])!;
    expect(worklet.mentor_id, `${where}: legacy column of worklet ${w}`).toBe(primaries[0]?.mentor_id ?? null);
    expect(worklet.status, where).toBe(wm.status);
    expect(worklet.version, `${where}: version of worklet ${w}`).toBe(wm.version);
  }
  expect(await f.legacyViolations(), where).toEqual([]);

  // The events: one per change the model made, with the caller as actor.
  const fresh = await f.events({ afterId: before.events.last ?? 0 });
  expect(fresh.length, `${where}: events`).toBe(decision.events.length);
  const expectedEvents = decision.events.map((e) => ({
    type: e.type,
    workletId: workletIds[e.w]!,
    mentorId: e.m === null ? null : candidates[e.m]!,
    oldRole: e.oldRole,
    newRole: e.newRole,
    actorId: actor.id,
    actorName: actor.name,
  }));
  expect(fresh.map(eventKey).sort(), where).toEqual(expectedEvents.map(eventKey).sort());
  for (const e of fresh) {
    const row = after.rows.find((r) => r.worklet_id === e.workletId && r.mentor_id === e.mentorId);
    expect(e.assignmentId, where).toBe(row?.id ?? null);
    // Every event of the write carries the version the write produced.
    expect(e.workletVersion, where).toBe(next.worklets[op.w]!.version);
  }

  // The answer: the worklet's active mentors, Primary first, and the number of changes.
  if (op.kind === 'setStatus') {
    expect((result as { version: number }).version, where).toBe(next.worklets[op.w]!.version);
  } else {
    const answer = result as {
      workletId: number;
      version: number;
      changes: number;
      mentors: { mentorId: number; role: Role; assignmentId: number }[];
    };
    expect(answer.workletId, where).toBe(workletIds[op.w]);
    expect(answer.changes, where).toBe(decision.events.length);
    expect(answer.version, where).toBe(next.worklets[op.w]!.version);
    const active = [...next.worklets[op.w]!.rows.values()].filter((r) => r.active);
    expect(answer.mentors.map((m) => `${m.assignmentId}:${m.mentorId}:${m.role}`).sort(), where).toEqual(
      active.map((r) => `${r.id}:${candidates[r.m]}:${r.role}`).sort(),
    );
    const ranks = answer.mentors.map((m) => roleOrder.indexOf(m.role));
    expect(ranks, `${where}: Primary first, then Secondary, then Collaborator`).toEqual(
      [...ranks].sort((a, b) => a - b),
    );
  }
  return next;
}

describe('assignment writes against a model', () => {
  it('random sequences keep the database equal to the model after every step', async ({ annotate }) => {
    let runs = 0;
    let steps = 0;
    let failures = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(statusArb, statusArb),
        fc.array(opArb, { minLength: 8, maxLength: 25, size: 'max' }),
        async (statuses, ops) => {
          runs++;
          await reset(statuses);
          let model: Model = {
            worklets: statuses.map((status) => ({ status, version: 1, rows: new Map() })),
            created: new Map(),
          };
          for (const [i, op] of ops.entries()) {
            const next = await step(model, op, i);
            if (next === model) failures++;
            steps++;
            model = next;
          }
        },
      ),
      { numRuns: 40 },
    );
    // The generator must exercise both sides: accepted and rejected writes.
    await annotate(
      `MODEL [${f.db.kind}] ${runs} runs, ${steps} steps; outcomes: ${[...stats]
        .sort()
        .map(([k, n]) => `${k}=${n}`)
        .join(', ')}`,
    );
    expect(runs).toBeGreaterThanOrEqual(40);
    expect(failures).toBeGreaterThan(0);
    // Versions and idempotency keys both ways: stale writes refused, fresh ones accepted, keys repeated.
    expect(stats.get('setMentors CONFLICT') ?? 0).toBeGreaterThan(0);
    expect(stats.get('setStatus CONFLICT') ?? 0).toBeGreaterThan(0);
    expect(stats.get('setStatus ok/1') ?? 0).toBeGreaterThan(0);
    expect(stats.get('create repeated key') ?? 0).toBeGreaterThan(0);
    expect(stats.get('create new key') ?? 0).toBeGreaterThan(0);
    expect(steps - failures).toBeGreaterThan(failures / 2);
  }, 180_000);
});
