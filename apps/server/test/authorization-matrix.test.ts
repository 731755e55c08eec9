/**
 * Who may call what: every procedure of the router against a checked-in table of the
 * expected outcome for each kind of caller. A procedure added without a row here, or a row
 * left behind by a removed procedure, fails the test: access is decided on purpose.
 *
 * Outcomes: 'ok' = allowed (the call may still end in NOT_FOUND, BAD_REQUEST or CONFLICT for
 * the sample input, never in UNAUTHORIZED or FORBIDDEN), else the error code expected.
 *
 * The rules the table follows (checked by the second test):
 *   - health is public; everything else needs a signed-in user;
 *   - every write (mutation) is admin-only; so are mentors.*, apiTokens.* and users.* except users.me;
 *   - worklets.list / coverage / byId and assignments.workletMentors: any signed-in user,
 *     scoped to the worklets they may see (a mentor's other worklets are NOT_FOUND);
 *   - assignments.mentorWorklets, history.forMentor: admins, and mentors for themselves;
 *     students FORBIDDEN (the sample asks for the mentor's own id);
 *   - history.forWorklet: admins and mentors (scoped), students FORBIDDEN;
 *   - history.list (the program-wide audit log): admins only (deny by default);
 *   - batches.* (a save's summary, undo, bulk changes): admins only (deny by default).
 *   - users.notifications / users.setNotifications: any signed-in user, their own switch only
 *     (no id in the input); mail.* (undelivered mail): admins only.
 *   - accounts.changePassword / sessions / endSession / endOtherSessions: any signed-in user,
 *     on their own account only (scoped by ctx.user; another user's session is NOT_FOUND).
 */
import { TRPCError } from '@trpc/server';
import type { SessionUser } from '@worklets/api';
import { createTestDatabase, type TestDatabase } from '@worklets/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callPath, inputParsers, isInputError, type ProcedureType, procedures, world } from './api-world.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

type Caller = 'signedOut' | 'student' | 'mentor' | 'admin';
type Outcome = 'ok' | 'UNAUTHORIZED' | 'FORBIDDEN';
const callers: Caller[] = ['signedOut', 'student', 'mentor', 'admin'];

/** The ids the sample inputs refer to (created in beforeAll). */
type Ids = {
  mentor: number;
  otherMentor: number;
  spareMentor: number;
  target: number;
  worklet: number;
  archiveWorklet: number;
  assignment: number;
  deactivateAssignment: number;
  inactiveAssignment: number;
  /** A save (batch) to read and undo: the deactivation of `inactiveAssignment`. */
  batch: number;
};

type Row = {
  type: ProcedureType;
  input: (ids: Ids) => unknown;
  expect: Record<Caller, Outcome>;
};

const publicAccess = { signedOut: 'ok', student: 'ok', mentor: 'ok', admin: 'ok' } as const;
const signedIn = { signedOut: 'UNAUTHORIZED', student: 'ok', mentor: 'ok', admin: 'ok' } as const;
const staff = { signedOut: 'UNAUTHORIZED', student: 'FORBIDDEN', mentor: 'ok', admin: 'ok' } as const;
const adminOnly = { signedOut: 'UNAUTHORIZED', student: 'FORBIDDEN', mentor: 'FORBIDDEN', admin: 'ok' } as const;

// prettier-ignore
const table: Record<string, Row> = {
  health: { type: 'query', input: () => undefined, expect: publicAccess },

  'worklets.list': { type: 'query', input: () => ({ limit: 5 }), expect: signedIn },
  'worklets.table': { type: 'query', input: () => ({ limit: 5 }), expect: signedIn },
  'worklets.coverage': { type: 'query', input: () => undefined, expect: signedIn },
  'worklets.byId': { type: 'query', input: (i) => ({ workletId: i.worklet }), expect: signedIn },
  'worklets.create': {
    type: 'mutation',
    input: () => ({ title: 'Matrix worklet', idempotencyKey: '0b7a4f2e-8d4c-4a8e-9c51-5d1f00000001' }),
    expect: adminOnly,
  },
  'worklets.update': {
    type: 'mutation',
    input: (i) => ({ id: i.worklet, expectedVersion: 1, description: 'Updated by the matrix' }),
    expect: adminOnly,
  },
  'worklets.archive': { type: 'mutation', input: (i) => ({ workletId: i.archiveWorklet }), expect: adminOnly },
  // The sample worklet has history: an admin's delete is a CONFLICT (allowed, refused by the rule).
  'worklets.delete': { type: 'mutation', input: (i) => ({ workletId: i.worklet }), expect: adminOnly },

  'assignments.workletMentors': { type: 'query', input: (i) => ({ workletId: i.worklet }), expect: signedIn },
  'assignments.mentorWorklets': { type: 'query', input: (i) => ({ mentorId: i.mentor }), expect: staff },
  'assignments.assign': {
    type: 'mutation',
    input: (i) => ({ workletId: i.worklet, mentorId: i.spareMentor, role: 'Collaborator' }),
    expect: adminOnly,
  },
  'assignments.setMentors': {
    type: 'mutation',
    input: (i) => ({ workletId: i.worklet, expectedVersion: 1, mentors: [{ mentorId: i.mentor, role: 'Primary' }] }),
    expect: adminOnly,
  },
  'assignments.changeRole': {
    type: 'mutation',
    input: (i) => ({ assignmentId: i.assignment, role: 'Primary' }),
    expect: adminOnly,
  },
  'assignments.deactivate': {
    type: 'mutation',
    input: (i) => ({ assignmentId: i.deactivateAssignment }),
    expect: adminOnly,
  },
  'assignments.reactivate': {
    type: 'mutation',
    input: (i) => ({ assignmentId: i.inactiveAssignment, role: 'Secondary' }),
    expect: adminOnly,
  },

  'mentors.search': { type: 'query', input: () => ({ query: 'mentor' }), expect: adminOnly },
  'mentors.list': { type: 'query', input: () => ({ limit: 5 }), expect: adminOnly },
  'mentors.byId': { type: 'query', input: (i) => ({ mentorId: i.otherMentor }), expect: adminOnly },
  'mentors.setCapacity': {
    type: 'mutation',
    input: (i) => ({ mentorId: i.otherMentor, capacity: 12 }),
    expect: adminOnly,
  },

  'settings.get': { type: 'query', input: () => undefined, expect: adminOnly },
  'settings.update': { type: 'mutation', input: () => ({ defaultMentorCapacity: 8 }), expect: adminOnly },

  'history.forWorklet': { type: 'query', input: (i) => ({ workletId: i.worklet }), expect: staff },
  'history.forMentor': { type: 'query', input: (i) => ({ mentorId: i.mentor }), expect: staff },
  'history.list': { type: 'query', input: () => ({ limit: 5 }), expect: adminOnly },

  'users.me': { type: 'query', input: () => undefined, expect: signedIn },
  'users.list': { type: 'query', input: () => ({ limit: 5 }), expect: adminOnly },
  'users.byId': { type: 'query', input: (i) => ({ id: i.target }), expect: adminOnly },
  'users.create': {
    type: 'mutation',
    input: () => ({
      email: 'matrix.new@example.test',
      name: 'Matrix New',
      role: 'student',
      idempotencyKey: '0b7a4f2e-8d4c-4a8e-9c51-5d1f00000002',
    }),
    expect: adminOnly,
  },
  'users.update': {
    type: 'mutation',
    input: (i) => ({ id: i.target, name: 'Renamed by the matrix' }),
    expect: adminOnly,
  },
  'users.setActive': { type: 'mutation', input: (i) => ({ id: i.target, isActive: false }), expect: adminOnly },
  'users.deactivationRestorable': { type: 'query', input: (i) => ({ id: i.target }), expect: adminOnly },

  'batches.byId': { type: 'query', input: (i) => ({ batchId: i.batch }), expect: adminOnly },
  'batches.undo': { type: 'mutation', input: (i) => ({ batchId: i.batch }), expect: adminOnly },
  'batches.bulk': {
    type: 'mutation',
    input: (i) => ({ target: { ids: [i.worklet] }, action: { kind: 'setStatus', status: 'active' } }),
    expect: adminOnly,
  },
  'apiTokens.list': { type: 'query', input: () => undefined, expect: adminOnly },
  'apiTokens.create': {
    type: 'mutation',
    input: () => ({ name: 'Matrix service', scope: 'read', expiresInDays: 1 }),
    expect: adminOnly,
  },
  'apiTokens.revoke': { type: 'mutation', input: () => ({ id: 2_147_483_000 }), expect: adminOnly },
  'users.notifications': { type: 'query', input: () => undefined, expect: signedIn },
  'users.setNotifications': { type: 'mutation', input: () => ({ enabled: true }), expect: signedIn },

  'mail.undelivered': { type: 'query', input: () => undefined, expect: adminOnly },
  'mail.retryNow': { type: 'mutation', input: () => ({ id: 2_000_000 }), expect: adminOnly },

  'accounts.resendInvitation': { type: 'mutation', input: (i) => ({ id: i.target }), expect: adminOnly },
  'accounts.resetPassword': { type: 'mutation', input: (i) => ({ id: i.target }), expect: adminOnly },
  'accounts.changePassword': {
    type: 'mutation',
    input: () => ({ currentPassword: 'not the password', newPassword: 'a sturdy passphrase 42' }),
    expect: signedIn,
  },
  'accounts.sessions': { type: 'query', input: () => undefined, expect: signedIn },
  'accounts.endSession': { type: 'mutation', input: () => ({ id: 2_000_000_000 }), expect: signedIn },
  'accounts.endOtherSessions': { type: 'mutation', input: () => undefined, expect: signedIn },
};

/** Procedures on the caller's own account (scoped by ctx.user): any signed-in user. */
const ownAccount = ['accounts.changePassword', 'accounts.sessions', 'accounts.endSession', 'accounts.endOtherSessions'];

/** The rules of the header, as code: what the table must say for a procedure of this path and type. */
function byRule(path: string, type: ProcedureType): Record<Caller, Outcome> {
  if (path === 'health') return publicAccess;
  if (['users.me', 'users.notifications', 'users.setNotifications'].includes(path) || ownAccount.includes(path))
    return signedIn;
  if (type === 'mutation') return adminOnly;
  if (path.startsWith('mentors.') || path.startsWith('users.') || path.startsWith('apiTokens.')) return adminOnly;
  if (
    ['worklets.list', 'worklets.table', 'worklets.coverage', 'worklets.byId', 'assignments.workletMentors'].includes(
      path,
    )
  )
    return signedIn;
  if (['assignments.mentorWorklets', 'history.forWorklet', 'history.forMentor'].includes(path)) return staff;
  return adminOnly; // deny by default
}

let db: TestDatabase;
let ids: Ids;
const users = {} as Record<Exclude<Caller, 'signedOut'>, SessionUser>;

beforeAll(async () => {
  db = await createTestDatabase();
  const w = world(db);
  users.admin = await w.user('admin');
  users.mentor = await w.user('mentor');
  users.student = await w.user('student');
  const otherMentor = await w.user('mentor');
  const spareMentor = await w.user('mentor');
  const target = await w.user('student');

  const worklet = await w.worklet('active');
  const otherWorklet = await w.worklet('active');
  const archiveWorklet = await w.worklet('draft');
  const assignment = await w.assign(users.admin, worklet.id, users.mentor.id, 'Primary');
  await w.assign(users.admin, otherWorklet.id, otherMentor.id, 'Primary');
  const deactivateAssignment = await w.assign(users.admin, otherWorklet.id, spareMentor.id, 'Secondary');
  const inactiveAssignment = await w.assign(users.admin, worklet.id, otherMentor.id, 'Secondary');
  const { batchId } = await w.callerFor(users.admin).assignments.deactivate({ assignmentId: inactiveAssignment });

  ids = {
    mentor: users.mentor.id,
    otherMentor: otherMentor.id,
    spareMentor: spareMentor.id,
    target: target.id,
    worklet: worklet.id,
    archiveWorklet: archiveWorklet.id,
    assignment,
    deactivateAssignment,
    inactiveAssignment,
    batch: batchId!,
  };
});

afterAll(async () => {
  await db?.close();
});

describe('authorization matrix', () => {
  it('the table names every procedure of the router, with its type, and nothing else', () => {
    const actual = Object.fromEntries([...procedures()].sort(([a], [b]) => a.localeCompare(b)));
    const expected = Object.fromEntries(
      Object.entries(table)
        .map(([path, row]) => [path, row.type] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    expect(actual).toEqual(expected);
  });

  it('the table follows the access rules', () => {
    for (const [path, row] of Object.entries(table))
      expect({ path, ...row.expect }).toEqual({ path, ...byRule(path, row.type) });
  });

  it('every sample input is valid for its procedure (so "ok" is never an input error)', async () => {
    for (const [path, row] of Object.entries(table)) {
      for (const parser of inputParsers(path)) {
        // Async: the password policy loads its list of common passwords on first use.
        const parseAsync = (parser as unknown as { parseAsync(value: unknown): Promise<unknown> }).parseAsync;
        await expect(parseAsync.call(parser, row.input(ids)), path).resolves.toBeDefined();
      }
    }
  });

  it('each caller gets the expected outcome from every procedure', async () => {
    const actual: Record<string, Record<Caller, string>> = {};
    const expected: Record<string, Record<Caller, string>> = {};
    // Admins last: their writes succeed and change the data the others' calls refer to.
    for (const caller of callers) {
      const user = caller === 'signedOut' ? null : users[caller];
      const api = world(db).callerFor(user);
      for (const [path, row] of Object.entries(table)) {
        expected[path] ??= {} as Record<Caller, string>;
        expected[path][caller] = row.expect[caller];
        let outcome: string;
        try {
          await callPath(api, path, row.input(ids));
          outcome = 'ok';
        } catch (error) {
          if (!(error instanceof TRPCError)) outcome = `threw ${String(error)}`;
          else if (isInputError(error)) outcome = `input error: ${error.message}`;
          else if (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN') outcome = error.code;
          else if (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST' || error.code === 'CONFLICT')
            outcome = 'ok';
          else outcome = `${error.code}: ${error.message}`;
        }
        actual[path] ??= {} as Record<Caller, string>;
        actual[path][caller] = outcome;
      }
    }
    expect(actual).toEqual(expected);
  });

  it('the admin samples really run (the table does not pass on errors alone)', async () => {
    // Reads by an admin succeed outright; so does users.me for everyone signed in.
    const api = world(db).callerFor(users.admin);
    for (const [path, row] of Object.entries(table)) {
      if (row.type !== 'query') continue;
      await expect(callPath(api, path, row.input(ids)), path).resolves.toBeDefined();
    }
    for (const caller of ['student', 'mentor'] as const) {
      await expect(world(db).callerFor(users[caller]).users.me()).resolves.toEqual(users[caller]);
    }
  });
});
