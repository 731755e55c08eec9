/**
 * Calling the API as a given user without HTTP (createCaller), on a test database, with
 * helpers to create people, worklets and assignments and to prove "nothing was written".
 * Not a test file itself.
 */
import { TRPCError } from '@trpc/server';
import { appRouter, createCaller, createContextInner, type SessionUser } from '@worklets/api';
import { snapshotDatabase, type TestDatabase } from '@worklets/db/testing';
import { expect } from 'vitest';

export type ProcedureType = 'query' | 'mutation';

/** Every procedure of the router by path ('worklets.list'), with its type. */
export function procedures(): Map<string, ProcedureType> {
  const all = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })._def
    .procedures;
  return new Map(Object.entries(all).map(([path, procedure]) => [path, procedure._def.type as ProcedureType]));
}

/** The input parsers of one procedure (zod schemas), to prove a sample input is valid. */
export function inputParsers(path: string): { parse(value: unknown): unknown }[] {
  const all = (
    appRouter as unknown as {
      _def: { procedures: Record<string, { _def: { inputs: { parse(value: unknown): unknown }[] } }> };
    }
  )._def.procedures;
  return all[path]!._def.inputs;
}

function callerFor(db: TestDatabase, user: SessionUser | null) {
  return createCaller(createContextInner({ db: db.prisma, user }));
}

type Caller = ReturnType<typeof callerFor>;

/** Calls a procedure by its dotted path. */
export function callPath(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
  return fn(input);
}

/** The TRPCError a call rejects with; fails the test if it resolves or throws anything else. */
export async function caught(call: Promise<unknown>): Promise<TRPCError> {
  let result: unknown;
  try {
    result = await call;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return error as TRPCError;
  }
  throw new Error(`expected the call to be rejected, it returned ${JSON.stringify(result)}`);
}

export function isInputError(error: TRPCError): boolean {
  // zod is not a dependency of this package: recognise its error by name and shape.
  const cause = error.cause as { name?: string; issues?: unknown } | undefined;
  return error.code === 'BAD_REQUEST' && cause?.name === 'ZodError' && Array.isArray(cause.issues);
}

export function world(db: TestDatabase) {
  let counter = 0;
  const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

  async function user(role: SessionUser['role'], name?: string): Promise<SessionUser> {
    const n = unique();
    return db.prisma.user.create({
      data: { email: `${role}.${n}@example.test`, name: name ?? `${role} ${n}`, role },
      select: { id: true, name: true, email: true, role: true },
    });
  }

  async function worklet(status: 'draft' | 'active' | 'completed' | 'archived' = 'active', title?: string) {
    return db.prisma.worklet.create({
      data: { title: title ?? `Worklet ${unique()}`, status },
      select: { id: true, title: true, status: true },
    });
  }

  /** Assigns through the API as `admin` (so events and the legacy column are right); returns the assignment id. */
  async function assign(
    admin: SessionUser,
    workletId: number,
    mentorId: number,
    role: 'Primary' | 'Secondary' | 'Collaborator',
  ) {
    const result = await callerFor(db, admin).assignments.assign({ workletId, mentorId, role });
    const mentor = result.mentors.find((m) => m.mentorId === mentorId);
    if (!mentor) throw new Error('assignment not created');
    return mentor.assignmentId;
  }

  /**
   * Every row of every table of the public schema (migration bookkeeping aside), in
   * PostgreSQL's text form, ordered: two snapshots are equal exactly when nothing was written.
   */
  function snapshot(): Promise<Record<string, string[]>> {
    return snapshotDatabase(db.pool);
  }

  return { unique, user, worklet, assign, snapshot, callerFor: (u: SessionUser | null) => callerFor(db, u) };
}
