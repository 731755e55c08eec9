/**
 * SQL statements per request, measured IN-PROCESS: the API is called through
 * `createCaller` on a Prisma client made by `createPrismaClient(url, { onQuery })`, which
 * reports every statement sent (BEGIN and COMMIT included). The production server has no
 * statement counter; on its HTTP path every request also resolves the session cookie
 * through better-auth, which is measured the same way with `auth.api.getSession`.
 */
import { createCaller, createContextInner, type SessionUser } from '@worklets/api';
import { createAuth } from '@worklets/auth';
import { createPrismaClient } from '@worklets/db';
import { type Dataset, restoreDataset } from './dataset.ts';
import { seededRandom, type Workload } from './workloads.ts';

/** Statements per call (mean, min, max) and mean in-process time per call, sequential. */
type StatementCount = { calls: number; perCall: number; min: number; max: number; msPerCall: number };

export type StatementCounts = {
  byWorkload: Partial<Record<Workload['name'], StatementCount>>;
  /** The session lookup that the HTTP path adds to every API request (better-auth getSession). */
  session: StatementCount;
};

type Session = { cookie: string; secret: string; baseURL: string };
type Options = { dataset: Dataset; admin: SessionUser; workloads: Workload[]; calls: number; session: Session };

export async function countStatements(options: Options): Promise<StatementCounts> {
  const { dataset, admin, workloads, calls, session } = options;
  let count = 0;
  const db = createPrismaClient(dataset.url, { poolSize: 2, onQuery: () => count++ });
  /** Runs `work` `calls` times (failures, such as 409s, count too). */
  const measure = async (work: (i: number) => Promise<unknown>): Promise<StatementCount> => {
    const perCall: number[] = [];
    const started = performance.now();
    for (let i = 0; i < calls; i++) {
      count = 0;
      await work(i).catch(() => {});
      perCall.push(count);
    }
    const msPerCall = (performance.now() - started) / calls;
    const [min, max] = [Math.min(...perCall), Math.max(...perCall)];
    return { calls, perCall: perCall.reduce((a, b) => a + b, 0) / calls, min, max, msPerCall };
  };
  type Procedures = Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
  const caller = createCaller(createContextInner({ db: db.prisma, user: admin })) as unknown as Procedures;
  try {
    await caller.worklets!.list!({ limit: 1 }); // connection and query compiler warm-up
    const byWorkload: StatementCounts['byWorkload'] = {};
    for (const workload of workloads) {
      const next = workload.generator(dataset.facts, seededRandom(42));
      byWorkload[workload.name] = await measure(() => {
        const call = next();
        const [group, name] = call.procedure.split('.') as [string, string];
        return caller[group]![name]!(call.input);
      });
      if (workload.kind !== 'read') await restoreDataset(db.pool, dataset.seededMax);
    }
    const auth = createAuth({ prisma: db.prisma, baseURL: session.baseURL, secret: session.secret });
    const headers = new Headers({ cookie: session.cookie });
    if (!(await auth.api.getSession({ headers }))) throw new Error('the session cookie was not accepted in-process');
    return { byWorkload, session: await measure(() => auth.api.getSession({ headers })) };
  } finally {
    await restoreDataset(db.pool, dataset.seededMax).catch(() => {});
    await db.close();
  }
}
