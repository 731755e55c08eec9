/**
 * SQL statements per request, measured IN-PROCESS: the API is called through
 * `createCaller` on a Prisma client made by `createPrismaClient(url, { onQuery })`, which
 * reports every statement sent (BEGIN and COMMIT included). The production server has no
 * statement counter; on its HTTP path every request also resolves the session cookie
 * through better-auth, which is measured the same way with `auth.api.getSession`.
 */
import { createCaller, createContextInner, type SessionUser } from '@worklets/api';
import { createAuth } from '@worklets/auth';
import { createPrismaClient, type Database } from '@worklets/db';
import { type Dataset, restoreDataset } from './dataset.ts';
import { type Call, seededRandom, type Workload } from './workloads.ts';

export type Statement = { text: string; values: unknown[] };

/** A Prisma client whose statements are counted (onQuery) and can be recorded with their parameters. */
export function recordingClient(url: string, poolSize = 2) {
  let counting = false;
  let count = 0;
  let recording: Statement[] | null = null;
  const db: Database = createPrismaClient(url, {
    poolSize,
    onQuery: () => {
      if (counting) count++;
    },
  });
  // A second wrapper, after createPrismaClient's, that also keeps the parameters (for EXPLAIN).
  db.pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      if (recording) {
        const first = args[0] as string | { text?: string; values?: unknown[] };
        const text = typeof first === 'string' ? first : (first?.text ?? '');
        const values = typeof first === 'string' ? ((args[1] as unknown[] | undefined) ?? []) : (first?.values ?? []);
        recording.push({ text, values });
      }
      return query(...args);
    };
  });
  return {
    db,
    /** Counts the statements `work` sends. */
    async count<T>(work: () => Promise<T>): Promise<{ statements: number; value: T }> {
      count = 0;
      counting = true;
      try {
        const value = await work();
        return { statements: count, value };
      } finally {
        counting = false;
      }
    },
    /** Records the statements (with parameters) that `work` sends. */
    async record(work: () => Promise<unknown>): Promise<{ statements: Statement[]; error: unknown }> {
      recording = [];
      const statements = recording;
      let error: unknown = null;
      try {
        await work();
      } catch (e) {
        error = e;
      } finally {
        recording = null;
      }
      return { statements, error };
    },
  };
}

type Caller = ReturnType<typeof createCaller>;

/** Calls `call.procedure` ("a.b") on a tRPC caller. */
export function invoke(caller: Caller, call: Call): Promise<unknown> {
  const [group, name] = call.procedure.split('.') as [string, string];
  const procedure = (caller as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>)[group]![
    name
  ]!;
  return procedure(call.input);
}

export type StatementCount = {
  calls: number;
  /** Statements per call (BEGIN/COMMIT of a transaction included). */
  perCall: number;
  min: number;
  max: number;
  /** Mean in-process time per call (no HTTP, no session lookup), sequential. */
  msPerCall: number;
  /** Outcomes: ok, or the error code (CONFLICT for duplicates). */
  outcomes: Record<string, number>;
  /** The distinct statements of one call, in order (for the report; parameters stripped). */
  sample: string[];
};

export type StatementCounts = {
  byWorkload: Partial<Record<Workload['name'], StatementCount>>;
  /** The session lookup that the HTTP path adds to every API request (better-auth getSession). */
  session: { calls: number; perCall: number; msPerCall: number };
};

export type CountOptions = {
  dataset: Dataset;
  admin: SessionUser;
  workloads: Workload[];
  calls: number;
  session: { cookie: string; secret: string; baseURL: string };
};

export async function countStatements(options: CountOptions): Promise<StatementCounts> {
  const recorder = recordingClient(options.dataset.url);
  const caller = createCaller(createContextInner({ db: recorder.db.prisma, user: options.admin }));
  const byWorkload: StatementCounts['byWorkload'] = {};
  try {
    // Warm up the client (connection, Prisma's query compiler) outside the counts.
    await caller.worklets.list({ limit: 1 });
    for (const workload of options.workloads) {
      const next = workload.generator(options.dataset.facts, seededRandom(42));
      const perCall: number[] = [];
      const outcomes: Record<string, number> = {};
      let sample: string[] = [];
      let elapsed = 0;
      for (let i = 0; i < options.calls; i++) {
        const call = next();
        const started = performance.now();
        const { statements } = await recorder.count(async () => {
          try {
            await invoke(caller, call);
            outcomes.ok = (outcomes.ok ?? 0) + 1;
          } catch (error) {
            const code = (error as { code?: string }).code ?? 'error';
            outcomes[code] = (outcomes[code] ?? 0) + 1;
          }
        });
        elapsed += performance.now() - started;
        perCall.push(statements);
        if (i === 0) {
          const { statements: recorded } = await recorder.record(() => invoke(caller, next()));
          sample = recorded.map((s) => s.text.replace(/\s+/g, ' ').trim());
        }
      }
      if (workload.kind !== 'read') await restoreDataset(recorder.db.pool, options.dataset.seededMax);
      byWorkload[workload.name] = {
        calls: perCall.length,
        perCall: perCall.reduce((a, b) => a + b, 0) / perCall.length,
        min: Math.min(...perCall),
        max: Math.max(...perCall),
        msPerCall: elapsed / perCall.length,
        outcomes,
        sample,
      };
    }

    const auth = createAuth({
      prisma: recorder.db.prisma,
      baseURL: options.session.baseURL,
      secret: options.session.secret,
    });
    const headers = new Headers({ cookie: options.session.cookie });
    const first = await auth.api.getSession({ headers });
    if (!first) throw new Error('the session cookie was not accepted in-process (getSession returned null)');
    let statements = 0;
    const started = performance.now();
    for (let i = 0; i < options.calls; i++)
      statements += (await recorder.count(() => auth.api.getSession({ headers }))).statements;
    const session = {
      calls: options.calls,
      perCall: statements / options.calls,
      msPerCall: (performance.now() - started) / options.calls,
    };
    return { byWorkload, session };
  } finally {
    await restoreDataset(recorder.db.pool, options.dataset.seededMax).catch(() => {});
    await recorder.db.close();
  }
}
