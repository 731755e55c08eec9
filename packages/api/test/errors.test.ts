/**
 * Error hygiene end to end: a real HTTP server (tRPC's standalone adapter) and a vanilla
 * tRPC client with superjson, so every error goes through the errorFormatter and the wire.
 * Clients get a code, a message written for people, zod field errors or domain details
 * when they help, and never SQL, Prisma text or (in production) a stack trace.
 */
import { once } from 'node:events';
import net from 'node:net';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { createPrismaClient, type PrismaClient } from '@worklets/db';
import superjson from 'superjson';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AppRouter, appRouter, createContextInner, errorLog, type SessionUser } from '../src/root.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';

type Served = { url: string; close(): Promise<void> };

/**
 * Serves `router` on a free port. The caller is chosen per request by the `x-user` header
 * (a key of `users`); no header means signed out.
 */
async function serve(
  router: typeof appRouter,
  db: PrismaClient,
  users: Map<string, SessionUser>,
  create = createContextInner,
): Promise<Served> {
  const server = createHTTPServer({
    router,
    createContext: ({ req }) => create({ db, user: users.get(String(req.headers['x-user'] ?? '')) ?? null }),
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function clientFor(url: string, user?: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url, transformer: superjson, headers: user ? { 'x-user': user } : {} })],
  });
}

type ClientError = TRPCClientError<AppRouter>;

async function rejection(call: Promise<unknown>): Promise<ClientError> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected an error, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as ClientError;
}

/**
 * Nothing a client sees may leak the database or the code: no SQL, no Prisma text, no
 * stack frame (a dev-mode `data.stack` aside). Unexpected failures get a message with
 * nothing of the failure in it at all (not even an "at ").
 */
function expectClean(error: ClientError) {
  const text = `${error.message}\n${JSON.stringify({ ...error.data, stack: undefined })}`;
  for (const leak of [
    /prisma/i,
    /SELECT/,
    /INSERT/,
    /UPDATE /,
    /invocation/i,
    /\sat \S+ \(/,
    /\bat (file:|node:|\/)/,
    /\.[cm]?[jt]s:\d+/,
    /constraint/i,
    /driverAdapter/i,
  ]) {
    expect(text, `leaks ${leak}`).not.toMatch(leak);
  }
  if (error.data?.code === 'INTERNAL_SERVER_ERROR' || error.data?.code === 'SERVICE_UNAVAILABLE') {
    expect(error.message).not.toMatch(/at /);
  }
}

let f: ApiFixture;
let served: Served;
const users = new Map<string, SessionUser>();
const logged: { ref: string; path: string | undefined; cause: unknown }[] = [];

beforeAll(async () => {
  f = await createApiFixture();
  users.set('admin', await f.user('admin', { name: 'Ada Admin' }));
  users.set('mentor', await f.user('mentor', { name: 'Mia Mentor' }));
  users.set('student', await f.user('student'));
  served = await serve(appRouter, f.db.prisma, users);
});
afterAll(async () => {
  await served?.close();
  await f?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  logged.length = 0;
});

function captureErrorLog(log: typeof errorLog = errorLog) {
  vi.spyOn(log, 'write').mockImplementation((ref, error, path) => {
    logged.push({ ref, path, cause: error.cause ?? error });
  });
}

describe('through the HTTP server', () => {
  it('round-trips a successful call with superjson (dates stay dates)', async () => {
    const admin = clientFor(served.url, 'admin');
    expect(await admin.health.query()).toEqual({ ok: true });
    const w = await admin.worklets.create.mutate({ idempotencyKey: f.key(), title: 'Over the wire', status: 'active' });
    const assigned = await admin.assignments.assign.mutate({ workletId: w.id, mentorId: users.get('mentor')!.id });
    expect(assigned.mentors[0]!.assignedAt).toBeInstanceOf(Date);
    const list = await clientFor(served.url, 'mentor').worklets.list.query({ limit: 5 });
    expect(list.items.map((i) => i.id)).toEqual([w.id]);
  });

  it('a zod failure is BAD_REQUEST with field errors and a plain message', async () => {
    const admin = clientFor(served.url, 'admin');
    const before = await f.snapshot();
    const error = await rejection(
      admin.worklets.create.mutate({ idempotencyKey: f.key(), title: 'ab', description: 'fine' }),
    );
    expect(error.data).toMatchObject({
      code: 'BAD_REQUEST',
      httpStatus: 400,
      path: 'worklets.create',
      details: null,
      ref: null,
    });
    expect(error.message).toBe('Some fields are not valid.');
    expect(error.data?.zodError?.fieldErrors).toEqual({ title: ['A title needs at least 3 characters'] });
    expectClean(error);

    const twice = await rejection(
      admin.assignments.setMentors.mutate({
        workletId: 1,
        expectedVersion: 1,
        mentors: [
          { mentorId: 5, role: 'Primary' },
          { mentorId: 5, role: 'Secondary' },
        ],
      }),
    );
    expect(twice.data?.zodError?.fieldErrors).toMatchObject({ mentors: ['This mentor is listed twice'] });

    const unknownKey = await rejection(
      admin.assignments.assign.mutate({ workletId: 1, mentorId: 2, assignedBy: 3 } as never),
    );
    expect(unknownKey.data?.code).toBe('BAD_REQUEST');
    expect(unknownKey.data?.zodError?.formErrors.join(' ')).toMatch(/assignedBy/);
    expect(await f.snapshot()).toEqual(before);
  });

  it('a second Primary is a CONFLICT whose details name the current Primary', async () => {
    const admin = clientFor(served.url, 'admin');
    const w = await admin.worklets.create.mutate({ idempotencyKey: f.key(), title: 'Two captains' });
    const [p, q] = [await f.user('mentor', { name: 'Pia Primary' }), await f.user('mentor', { name: 'Quin Second' })];
    await admin.assignments.assign.mutate({ workletId: w.id, mentorId: p.id });
    const before = await f.snapshot();
    const error = await rejection(
      admin.assignments.assign.mutate({ workletId: w.id, mentorId: q.id, role: 'Primary' }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, zodError: null, ref: null });
    expect(error.data?.details?.primaryMentor).toEqual({ id: p.id, name: 'Pia Primary' });
    expect(error.message).toContain('Pia Primary');
    expectClean(error);
    expect(await f.snapshot()).toEqual(before);
    // The same request with replacePrimary goes through.
    const replaced = await admin.assignments.assign.mutate({
      workletId: w.id,
      mentorId: q.id,
      role: 'Primary',
      replacePrimary: true,
    });
    expect(replaced.mentors.map((m) => m.name)).toEqual(['Quin Second', 'Pia Primary']);
  });

  it('maps a unique violation to CONFLICT without the constraint text', async () => {
    const admin = clientFor(served.url, 'admin');
    const error = await rejection(
      admin.users.create.mutate({
        idempotencyKey: f.key(),
        email: users.get('mentor')!.email.toUpperCase(),
        name: 'Copy',
        role: 'mentor',
      }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, details: null, ref: null });
    expectClean(error);
  });

  it('answers UNAUTHORIZED, FORBIDDEN and NOT_FOUND with their HTTP statuses, also inside one batch', async () => {
    const signedOut = clientFor(served.url);
    const mentor = clientFor(served.url, 'mentor');
    const admin = clientFor(served.url, 'admin');
    const [unauthorized, forbidden, notFound, ok] = await Promise.allSettled([
      signedOut.worklets.list.query({}),
      mentor.worklets.create.mutate({ idempotencyKey: f.key(), title: 'Not mine to make' }),
      admin.worklets.byId.query({ workletId: 2_000_000_000 }),
      admin.worklets.coverage.query(),
    ]);
    const reason = (r: PromiseSettledResult<unknown>) => (r as PromiseRejectedResult).reason as ClientError;
    expect(reason(unauthorized).data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect(reason(forbidden).data).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect(reason(notFound).data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect(reason(notFound).message).toBe('Worklet not found');
    expect(ok.status).toBe('fulfilled');
    for (const r of [unauthorized, forbidden, notFound]) expectClean(reason(r));

    // One batch, several answers: each call gets its own result or error.
    const batch = await Promise.allSettled([
      admin.worklets.list.query({ limit: 1 }),
      admin.worklets.create.mutate({ idempotencyKey: f.key(), title: 'x' }),
      admin.worklets.create.mutate({ idempotencyKey: f.key(), title: 'A proper title' }),
    ]);
    expect(batch.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('an unexpected database failure is INTERNAL_SERVER_ERROR with a reference, the details only in the log', async () => {
    captureErrorLog();
    // A raw failure inside the database, with SQL-looking text in it.
    await f.db.pool.query(`CREATE OR REPLACE FUNCTION fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'SELECT secret FROM vault failed at line 3'; END $$`);
    await f.db.pool.query(
      `CREATE TRIGGER fail_insert BEFORE INSERT ON worklets FOR EACH ROW WHEN (NEW.title = 'Explode') EXECUTE FUNCTION fail_insert()`,
    );
    try {
      const before = await f.snapshot();
      const error = await rejection(
        clientFor(served.url, 'admin').worklets.create.mutate({ idempotencyKey: f.key(), title: 'Explode' }),
      );
      expect(error.data).toMatchObject({
        code: 'INTERNAL_SERVER_ERROR',
        httpStatus: 500,
        zodError: null,
        details: null,
      });
      const ref = error.data!.ref!;
      expect(ref).toMatch(/^[0-9a-f]{8}$/);
      expect(error.message).toBe(`Something went wrong on our side (reference ${ref}).`);
      expectClean(error);
      expect(error.message).not.toMatch(/secret|vault/);
      // The log has the reference and the real cause.
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ ref, path: 'worklets.create' });
      expect(String((logged[0]!.cause as Error).message)).toMatch(/secret FROM vault/);
      expect(await f.snapshot()).toEqual(before);
    } finally {
      await f.db.pool.query(`DROP TRIGGER fail_insert ON worklets; DROP FUNCTION fail_insert()`);
    }
  });

  it('a closed connection pool is an INTERNAL_SERVER_ERROR with nothing of the driver in it', async () => {
    captureErrorLog();
    const broken = createPrismaClient(f.db.connectionString, { poolSize: 1 });
    await broken.pool.end();
    const server = await serve(appRouter, broken.prisma, users);
    try {
      for (const call of [
        clientFor(server.url, 'admin').worklets.list.query({}),
        clientFor(server.url, 'admin').assignments.assign.mutate({ workletId: 1, mentorId: users.get('mentor')!.id }),
      ]) {
        const error = await rejection(call);
        expect(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']).toContain(error.data?.code);
        expectClean(error);
        expect(error.message).not.toMatch(/pool|end/i);
      }
    } finally {
      await server.close();
      await broken.prisma.$disconnect();
    }
  });

  it('an unreachable database is SERVICE_UNAVAILABLE with a message for people', async () => {
    captureErrorLog();
    // A port nobody listens on.
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const unreachable = createPrismaClient(`postgresql://postgres@127.0.0.1:${port}/postgres`, {
      poolSize: 1,
      connectionTimeoutMs: 2_000,
    });
    const server = await serve(appRouter, unreachable.prisma, users);
    try {
      for (const call of [
        clientFor(server.url, 'admin').health.query(),
        clientFor(server.url, 'admin').worklets.list.query({}),
        clientFor(server.url, 'admin').assignments.assign.mutate({ workletId: 1, mentorId: users.get('mentor')!.id }),
      ]) {
        const error = await rejection(call);
        expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503, ref: null });
        expect(error.message).toBe('The database is busy or unavailable. Please try again in a moment.');
        expectClean(error);
        expect(error.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
      }
      // Expected failures are not logged as bugs.
      expect(logged).toEqual([]);
    } finally {
      await server.close();
      await unreachable.close();
    }
  });

  it('development responses carry a stack; production ones never do', async () => {
    captureErrorLog();
    const dev = await rejection(
      clientFor(served.url, 'admin').worklets.create.mutate({ idempotencyKey: f.key(), title: 'ab' }),
    );
    expect(dev.data?.stack).toEqual(expect.any(String));

    vi.stubEnv('NODE_ENV', 'production');
    vi.resetModules();
    try {
      // Fresh modules read NODE_ENV at load, like a production server does.
      const prodApi = await import('../src/root.ts');
      const prodDbModule = await import('@worklets/db');
      const prodDb = prodDbModule.createPrismaClient(f.db.connectionString, { poolSize: 1 });
      vi.spyOn(prodApi.errorLog, 'write').mockImplementation((ref, error, path) => {
        logged.push({ ref, path, cause: error.cause ?? error });
      });
      const server = await serve(
        prodApi.appRouter as unknown as typeof appRouter,
        prodDb.prisma,
        users,
        prodApi.createContextInner,
      );
      try {
        const admin = clientFor(server.url, 'admin');
        const w = await admin.worklets.create.mutate({ idempotencyKey: f.key(), title: 'Production' });
        const mentor = await f.user('mentor', { name: 'Prod Primary' });
        await admin.assignments.assign.mutate({ workletId: w.id, mentorId: mentor.id });
        const other = await f.user('mentor');

        const validation = await rejection(admin.worklets.create.mutate({ idempotencyKey: f.key(), title: 'ab' }));
        const conflict = await rejection(
          admin.assignments.assign.mutate({ workletId: w.id, mentorId: other.id, role: 'Primary' }),
        );
        const duplicate = await rejection(
          admin.users.create.mutate({ idempotencyKey: f.key(), email: mentor.email, name: 'Twin', role: 'mentor' }),
        );
        const forbidden = await rejection(
          clientFor(server.url, 'student').worklets.archive.mutate({ workletId: w.id }),
        );
        await prodDb.pool.end();
        const internal = await rejection(admin.worklets.list.query({}));

        expect((validation.data?.zodError?.fieldErrors as Record<string, string[]> | undefined)?.title).toBeDefined();
        expect(conflict.data?.details?.primaryMentor?.name).toBe('Prod Primary');
        expect(duplicate.data?.code).toBe('CONFLICT');
        expect(forbidden.data?.code).toBe('FORBIDDEN');
        expect(internal.data?.code).toBe('INTERNAL_SERVER_ERROR');
        expect(internal.message).toMatch(/^Something went wrong on our side \(reference [0-9a-f]{8}\)\.$/);
        for (const error of [validation, conflict, duplicate, forbidden, internal]) {
          expect(error.data).not.toHaveProperty('stack');
          expectClean(error);
        }
        expect(logged.map((l) => l.ref)).toEqual([internal.data?.ref]);
      } finally {
        await server.close();
        await prodDb.prisma.$disconnect();
      }
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});
