/**
 * The workloads: each a generator of random API calls over the dataset, used two ways:
 * as HTTP requests for autocannon (the same URL shapes for the Worklets server and the
 * baseline) and as in-process `createCaller` calls for counting SQL statements.
 */
import { type DatasetFacts, pairKey } from './dataset.ts';

export type Call = {
  procedure: `assignments.${'workletMentors' | 'mentorWorklets' | 'assign'}` | `worklets.${'list' | 'table'}`;
  type: 'query' | 'mutation';
  input: Record<string, unknown>;
  /** For assign: the pair exists and is active, so the answer must be 409 CONFLICT. */
  expectConflict?: boolean;
};

export type Workload = {
  name: string;
  title: string;
  kind: 'read' | 'write' | 'mixed';
  /** Card pages: the "<= 3 statements, p50 < 20 ms" target applies. */
  cardPage: boolean;
  /** A generator for one run: `next()` draws the next call. */
  generator(facts: DatasetFacts, random?: () => number): () => Call;
};

/** A small seeded PRNG (mulberry32), so a run's request sequence can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;
const between = (min: number, max: number, random: () => number) => min + Math.floor(random() * (max - min + 1));

const pageSize = 50;

/** A quarter of the requests ask for the first page, the others continue from a random id. */
function cursor(facts: DatasetFacts, random: () => number): number | undefined {
  return random() < 0.25 ? undefined : between(pageSize + 1, facts.workletCount, random);
}

type Draw = (facts: DatasetFacts, random: () => number) => Call;
const query = (procedure: Call['procedure'], input: Record<string, unknown>): Call => ({
  procedure,
  type: 'query',
  input,
});
const workletMentors: Draw = (f, r) =>
  query('assignments.workletMentors', { workletId: between(1, f.workletCount, r) });
const mentorWorklets: Draw = (f, r) => query('assignments.mentorWorklets', { mentorId: pick(f.mentorIds, r) });
const cards: Draw = (f, r) => query('worklets.list', { limit: pageSize, cursor: cursor(f, r) });
const cardsNeedsPrimary: Draw = (f, r) =>
  query('worklets.list', { limit: pageSize, status: 'active', coverage: 'needs_primary', cursor: cursor(f, r) });
/** Table by last change, newest first; its cursor is the API's (base64url JSON [sort, order, key, id]). */
const tableByChange: Draw = (f, r) => {
  const at = r() < 0.25 ? undefined : pick(f.lastChanges, r);
  const cursor = at && Buffer.from(JSON.stringify(['updated', 'desc', at[1], at[0]])).toString('base64url');
  return query('worklets.table', { limit: pageSize, sort: 'updated', order: 'desc', cursor });
};
const cardsByMentor: Draw = (f, r) => query('worklets.list', { limit: pageSize, mentorId: pick(f.activeMentorIds, r) });

/**
 * Assign: one call in five re-assigns an active seeded pair (must be 409 CONFLICT); the
 * others assign an active mentor to an open worklet they have never been on (200), unless
 * this run drew that pair before (then 409 as well).
 */
function assignGenerator(facts: DatasetFacts, random: () => number): () => Call {
  const sent = new Set<number>();
  return () => {
    if (random() < 0.2) {
      const [mentorId, workletId] = pick(facts.activePairs, random);
      return {
        procedure: 'assignments.assign',
        type: 'mutation',
        input: { workletId, mentorId },
        expectConflict: true,
      };
    }
    for (;;) {
      const mentorId = pick(facts.activeMentorIds, random);
      const workletId = pick(facts.openWorkletIds, random);
      const key = pairKey(mentorId, workletId);
      if (facts.seededPairs.has(key)) continue;
      const again = sent.has(key);
      sent.add(key);
      return {
        procedure: 'assignments.assign',
        type: 'mutation',
        // The generated mentors carry more open worklets than the default capacity (8): the
        // override keeps these assigns succeeding, and the capacity check still runs on each.
        input: { workletId, mentorId, allowOverCapacity: true },
        expectConflict: again,
      };
    }
  };
}

const reads = [workletMentors, mentorWorklets, cards, cardsNeedsPrimary, cardsByMentor];

const single =
  (draw: Draw) =>
  (facts: DatasetFacts, random: () => number = Math.random) =>
  () =>
    draw(facts, random);
const read = (name: string, title: string, draw: Draw, cardPage = true): Workload => ({
  name,
  title,
  kind: 'read',
  cardPage,
  generator: single(draw),
});

export const workloads: Workload[] = [
  read('worklet-mentors', "a worklet's active mentors", workletMentors, false),
  read('mentor-worklets', "a mentor's active worklets", mentorWorklets, false),
  read('cards', 'card page of 50, no filter', cards),
  read('cards-needs-primary', 'card page of 50, status=active & needs_primary', cardsNeedsPrimary),
  read('cards-by-mentor', 'card page of 50, mentorId filter', cardsByMentor),
  read('table-by-change', 'table page of 50 by last change, with total', tableByChange),
  {
    name: 'assign',
    title: 'assign a mentor (20% duplicates)',
    kind: 'write',
    cardPage: false,
    generator: (facts, random = Math.random) => assignGenerator(facts, random),
  },
  {
    name: 'mixed',
    title: 'mixed: 90% reads / 10% assign',
    kind: 'mixed',
    cardPage: false,
    generator: (facts, random = Math.random) => {
      const write = assignGenerator(facts, random);
      return () => (random() < 0.1 ? write() : pick(reads, random)(facts, random));
    },
  },
];

/** The tRPC URL shape (superjson wraps the input in {"json": ...}). */
export function toHttp(call: Call): { method: 'GET' | 'POST'; path: string; body?: string } {
  const input = JSON.stringify({ json: call.input });
  if (call.type === 'query')
    return { method: 'GET', path: `/api/trpc/${call.procedure}?input=${encodeURIComponent(input)}` };
  return { method: 'POST', path: `/api/trpc/${call.procedure}`, body: input };
}
