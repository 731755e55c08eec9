/**
 * A real Worklets HTTP server for one test: its own test database (or one passed in), the
 * better-auth instance and the Fastify app of src/app.ts, listening on a free port of
 * localhost. On the PostgreSQL engine the rate limits and session events go through the
 * database as in production (a pool of their own); on PGlite they stay in the process.
 * Not a test file itself.
 */
import { createServer } from 'node:net';
import { type Auth, type AuthLog, createAuth } from '@worklets/auth';
import { upsertUserWithPassword } from '@worklets/auth/accounts';
import type { PrismaClient } from '@worklets/db';
import { createTestDatabase, type TestDatabase } from '@worklets/db/testing';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig, type ServerConfig } from '../src/config.ts';

export const testSecret = 'x'.repeat(40);
export const sessionCookieName = 'worklets.session_token';

type Role = 'admin' | 'mentor' | 'student';
export type TestUser = { id: number; email: string; name: string; role: Role; password: string };

export type TestServerOptions = {
  /** Use this database (not closed by `close()`); else a new test database is created and dropped. */
  db?: { prisma: PrismaClient; close?: () => Promise<void>; kind?: string; connectionString?: string };
  /** Fields of the loaded config to replace (the rate limits are high unless set here). */
  config?: Partial<ServerConfig>;
  /** NODE_ENV seen by loadConfig (the API's own production switch is read at module load). */
  nodeEnv?: string;
  /** The client that sends API reads to read replicas (see src/read-routing.ts). */
  replicaRouted?: PrismaClient | null;
  /** Counters shared with other servers of the same namespace (default: this server's own). */
  rateLimitNamespace?: string;
};

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** A port nobody listens on right now (tests/fixtures that need one before listening). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

let servers = 0;

export async function startTestServer(options: TestServerOptions = {}) {
  const ownDb: TestDatabase | null = options.db ? null : await createTestDatabase();
  const database = options.db ?? ownDb!;
  const prisma = database.prisma;
  const shared = database.kind === 'postgres' && database.connectionString ? database.connectionString : null;
  const rateLimitStore = shared ? new pg.Pool({ connectionString: shared, max: 4 }) : null;
  // As main.ts does: a dropped or restarted database must not make an idle connection's error uncaught.
  rateLimitStore?.on('error', () => {});
  const namespace = options.rateLimitNamespace ?? `test-${process.pid}-${servers++}-${Date.now().toString(36)}`;

  const logs: string[] = [];
  const logStream = {
    write(line: string) {
      let msg = '';
      try {
        msg = String(JSON.parse(line).msg ?? '');
      } catch {}
      logs.push(`${msg} ${line.trim()}`);
    },
  };

  // The public URL carries the port, and the app needs it before it listens: take a free
  // port, and try another if someone else took it in between.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://localhost:${port}`;
    const loaded = loadConfig({ PORT: '0', BETTER_AUTH_SECRET: testSecret, NODE_ENV: options.nodeEnv ?? 'test' });
    const config: ServerConfig = {
      ...loaded,
      port,
      publicUrl: url,
      signInPerMinute: 10_000,
      authPerMinute: 100_000,
      writesPerMinute: 100_000,
      readsPerMinute: 1_000_000,
      ...options.config,
    };
    const auth: Auth = createAuth({
      prisma,
      baseURL: config.publicUrl,
      secret: config.authSecret,
      trustedOrigins: config.trustedOrigins,
      log: (level, message) => logAuth(level, message),
    });
    let logAuth: AuthLog = () => {};
    const app = await buildApp({
      config,
      prisma,
      replicaRouted: options.replicaRouted,
      auth,
      rateLimitStore,
      sessionEventsUrl: shared,
      rateLimitNamespace: namespace,
      logStream,
    });
    logAuth = app.logAuth;
    try {
      // localhost: both 127.0.0.1 and ::1, whichever `localhost` resolves to.
      await app.listen({ port, host: 'localhost' });
    } catch (error) {
      await app.close();
      if ((error as { code?: string }).code === 'EADDRINUSE' && attempt < 5) continue;
      throw error;
    }
    return withHelpers({ app, url, port, config, auth, prisma, ownDb, logs, rateLimitStore });
  }
}

function withHelpers({
  app,
  url,
  port,
  config,
  auth,
  prisma,
  ownDb,
  logs,
  rateLimitStore,
}: {
  app: Awaited<ReturnType<typeof buildApp>>;
  url: string;
  port: number;
  config: ServerConfig;
  auth: Auth;
  prisma: PrismaClient;
  ownDb: TestDatabase | null;
  logs: string[];
  rateLimitStore: pg.Pool | null;
}) {
  let counter = 0;
  const unique = () => `${Date.now().toString(36)}${process.pid.toString(36)}${(counter++).toString(36)}`;

  /** A user who can sign in with `password` (8+ characters). */
  async function createUser(
    role: Role,
    overrides: { name?: string; password?: string; email?: string } = {},
  ): Promise<TestUser> {
    const n = unique();
    const password = overrides.password ?? `pw-${n}-secret`;
    const user = await upsertUserWithPassword(prisma, {
      email: overrides.email ?? `${role}.${n}@example.test`,
      name: overrides.name ?? `${role} ${n}`,
      role,
      password,
    });
    return { ...user, role: user.role as Role, password };
  }

  /** POST /api/auth/sign-in/email from our own origin. */
  function signInRequest(email: string, password: string, headers: Record<string, string> = {}) {
    return fetch(`${url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, ...headers },
      body: JSON.stringify({ email, password }),
    });
  }

  /** Signs in and returns the Cookie header value to send (fails the caller when refused). */
  async function signIn(user: { email: string; password: string }): Promise<string> {
    const res = await signInRequest(user.email, user.password);
    if (res.status !== 200) throw new Error(`sign-in of ${user.email} failed: ${res.status} ${await res.text()}`);
    const cookie = cookieHeader(res);
    if (!cookie.includes(sessionCookieName)) throw new Error(`sign-in of ${user.email} set no session cookie`);
    return cookie;
  }

  /** A tRPC query over GET (superjson input). */
  function query(path: string, input?: unknown, init: { cookie?: string; headers?: Record<string, string> } = {}) {
    const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    return fetch(`${url}/api/trpc/${path}${search}`, {
      headers: { ...(init.cookie ? { cookie: init.cookie } : {}), ...init.headers },
    });
  }

  /** A tRPC mutation over POST (superjson input), from our origin unless headers say otherwise. */
  function mutation(path: string, input: unknown, init: { cookie?: string; headers?: Record<string, string> } = {}) {
    return fetch(`${url}/api/trpc/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: url,
        ...(init.cookie ? { cookie: init.cookie } : {}),
        ...init.headers,
      },
      body: JSON.stringify({ json: input }),
    });
  }

  async function close() {
    app.server.closeAllConnections();
    await app.close();
    await rateLimitStore?.end();
    if (ownDb) await ownDb.close();
  }

  return {
    url,
    port,
    app,
    config,
    auth,
    prisma,
    db: ownDb,
    logs,
    unique,
    createUser,
    signInRequest,
    signIn,
    query,
    mutation,
    close,
  };
}

/** The Cookie header a browser would send back after this response (name=value pairs). */
export function cookieHeader(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .filter((pair) => !pair.endsWith('='))
    .join('; ');
}

/** The Set-Cookie header of `name` (exact cookie name), parsed into its value and attributes. */
export function parseSetCookie(res: Response, name: string) {
  const raw = res.headers.getSetCookie().find((c) => c.split('=')[0] === name);
  if (!raw) return null;
  const [pair, ...attributes] = raw.split(';').map((part) => part.trim());
  const attrs = new Map<string, string | true>();
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=');
    if (eq === -1) attrs.set(attribute.toLowerCase(), true);
    else attrs.set(attribute.slice(0, eq).toLowerCase(), attribute.slice(eq + 1));
  }
  return { raw, value: pair!.slice(pair!.indexOf('=') + 1), attrs };
}

/** The body of a response as text and, when it is JSON, parsed. */
export async function readBody(res: Response): Promise<{ text: string; json: any }> {
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { text, json };
}

/** The error code of a host or API answer: tRPC-shaped on /api/trpc, `{ error: { code } }` elsewhere. */
export function errorCode(json: any): string | undefined {
  return json?.error?.json?.data?.code ?? json?.[0]?.error?.json?.data?.code ?? json?.error?.code;
}
