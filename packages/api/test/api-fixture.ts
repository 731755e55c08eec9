/**
 * A database of its own for one API test file, with helpers to create people and
 * worklets and to call the router as a given user (createCaller, no HTTP).
 */
import { randomUUID } from 'node:crypto';
import { createTestDatabase, snapshotDatabase, type TestDatabase } from '@worklets/db/testing';
import { createCaller, createContextInner, type SessionUser } from '../src/root.ts';

export type ApiFixture = Awaited<ReturnType<typeof createApiFixture>>;

export async function createApiFixture(options: Parameters<typeof createTestDatabase>[0] = {}) {
  const db: TestDatabase = await createTestDatabase(options);
  let counter = 0;
  const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

  async function user(
    role: SessionUser['role'],
    overrides: { name?: string; isActive?: boolean } = {},
  ): Promise<SessionUser> {
    const n = unique();
    const created = await db.prisma.user.create({
      data: {
        email: `${role}.${n}@example.test`,
        name: overrides.name ?? `${role} ${n}`,
        role,
        isActive: overrides.isActive ?? true,
      },
      select: { id: true, name: true, email: true, role: true },
    });
    return created;
  }

  async function worklet(overrides: { title?: string; status?: 'draft' | 'active' | 'completed' | 'archived' } = {}) {
    return db.prisma.worklet.create({
      data: { title: overrides.title ?? `Worklet ${unique()}`, status: overrides.status ?? 'active' },
      select: { id: true, title: true, status: true },
    });
  }

  function callerFor(user: SessionUser | null) {
    return createCaller(createContextInner({ db: db.prisma, user }));
  }

  /** Row counts of every table that a write can touch, to prove "nothing written". */
  async function counts() {
    const [users, worklets, assignments, events, legacy] = await Promise.all([
      db.prisma.user.count(),
      db.prisma.worklet.count(),
      db.prisma.mentorWorkletAssignment.count(),
      db.prisma.assignmentEvent.count(),
      db.pool.query<{ fingerprint: string }>(
        `SELECT md5(string_agg(id || ':' || coalesce(mentor_id::text, '-') || ':' || status || ':' || title, ',' ORDER BY id)) AS fingerprint FROM worklets`,
      ),
    ]);
    const assignmentState = await db.pool.query<{ fingerprint: string }>(
      `SELECT md5(string_agg(id || ':' || role_type || ':' || is_active, ',' ORDER BY id)) AS fingerprint FROM mentor_worklet_assignments`,
    );
    return {
      users,
      worklets,
      assignments,
      events,
      worklets_state: legacy.rows[0]?.fingerprint,
      assignments_state: assignmentState.rows[0]?.fingerprint,
    };
  }

  /** Worklets whose legacy mentor_id differs from their active Primary: must always be empty. */
  async function legacyViolations() {
    const result = await db.pool.query(`
      SELECT w.id FROM worklets w
      LEFT JOIN mentor_worklet_assignments p ON p.worklet_id = w.id AND p.role_type = 'Primary' AND p.is_active
      WHERE w.mentor_id IS DISTINCT FROM p.mentor_id`);
    return result.rows.map((r) => r.id as number);
  }

  /**
   * Every row of every table of the public schema (migration bookkeeping aside), as
   * PostgreSQL's text form of the row, ordered: two snapshots are equal exactly when no
   * table was written. Stricter than `counts()` (it sees assigned_by, timestamps, events).
   */
  function snapshot(): Promise<Record<string, string[]>> {
    return snapshotDatabase(db.pool);
  }

  /** The assignment rows of one worklet (or all), oldest first, as the database holds them. */
  async function assignments(workletId?: number) {
    return db.prisma.mentorWorkletAssignment.findMany({
      where: workletId === undefined ? {} : { workletId },
      select: {
        id: true,
        workletId: true,
        mentorId: true,
        roleType: true,
        isActive: true,
        assignedById: true,
        assignedAt: true,
      },
      orderBy: { id: 'asc' },
    });
  }

  /** The events of one worklet (or all), oldest first. */
  async function events(where: { workletId?: number; mentorId?: number; afterId?: number } = {}) {
    return db.prisma.assignmentEvent.findMany({
      where: {
        ...(where.workletId === undefined ? {} : { workletId: where.workletId }),
        ...(where.mentorId === undefined ? {} : { mentorId: where.mentorId }),
        ...(where.afterId === undefined ? {} : { id: { gt: where.afterId } }),
      },
      orderBy: { id: 'asc' },
    });
  }

  /** The worklet's current version, as an editor would have read it (for expectedVersion). */
  async function version(workletId: number): Promise<number> {
    const row = await db.prisma.worklet.findUniqueOrThrow({ where: { id: workletId }, select: { version: true } });
    return row.version;
  }

  /** A fresh idempotency key, as a client makes one per form submission. */
  const key = () => randomUUID();

  /** The legacy `worklets.mentor_id` of one worklet. */
  async function legacyMentorId(workletId: number): Promise<number | null> {
    const row = await db.prisma.worklet.findUniqueOrThrow({ where: { id: workletId }, select: { mentorId: true } });
    return row.mentorId;
  }

  return {
    db,
    user,
    worklet,
    callerFor,
    counts,
    legacyViolations,
    snapshot,
    assignments,
    events,
    legacyMentorId,
    version,
    key,
    unique,
    close: () => db.close(),
  };
}
