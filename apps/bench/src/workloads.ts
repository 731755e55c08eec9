/**
 * The workloads: each a generator of random API calls over the dataset, used three ways:
 * as HTTP requests for autocannon (the same URL shapes for the Worklets server and the
 * baseline), as in-process `createCaller` calls for counting SQL statements, and as
 * sample calls for EXPLAIN.
 */
import { type DatasetFacts, pairKey } from './dataset.ts';

export type Call = {
  procedure: 'assignments.workletMentors' | 'assignments.mentorWorklets' | 'worklets.list' | 'assignments.assign';
  type: 'query' | 'mutation';
  input: Record<string, unknown>;
  /** For assign: the pair exists and is active, so the answer must be 409 CONFLICT. */
  expectConflict?: boolean;
};

export type WorkloadName =
  | 'worklet-mentors'
  | 'mentor-worklets'
  | 'cards'
  | 'cards-needs-primary'
  | 'cards-by-mentor'
  | 'assign'
  | 'mixed';

export type Workload = {
  name: WorkloadName;
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

export const pageSize = 50;

/** A quarter of the requests ask for the first page, the others continue from a random id. */
function cursor(facts: DatasetFacts, random: () => number): number | undefined {
  return random() < 0.25 ? undefined : between(pageSize + 1, facts.workletCount, random);
}

const workletMentors = (facts: DatasetFacts, random: () => number): Call => ({
  procedure: 'assignments.workletMentors',
  type: 'query',
  input: { workletId: between(1, facts.workletCount, random) },
});
const mentorWorklets = (facts: DatasetFacts, random: () => number): Call => ({
  procedure: 'assignments.mentorWorklets',
  type: 'query',
  input: { mentorId: pick(facts.mentorIds, random) },
});
const cards = (facts: DatasetFacts, random: () => number): Call => ({
  procedure: 'worklets.list',
  type: 'query',
  input: { limit: pageSize, cursor: cursor(facts, random) },
});
const cardsNeedsPrimary = (facts: DatasetFacts, random: () => number): Call => ({
  procedure: 'worklets.list',
  type: 'query',
  input: { limit: pageSize, status: 'active', coverage: 'needs_primary', cursor: cursor(facts, random) },
});
const cardsByMentor = (facts: DatasetFacts, random: () => number): Call => ({
  procedure: 'worklets.list',
  type: 'query',
  input: { limit: pageSize, mentorId: pick(facts.activeMentorIds, random) },
});

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
        input: { workletId, mentorId },
        expectConflict: again,
      };
    }
  };
}

const reads = [workletMentors, mentorWorklets, cards, cardsNeedsPrimary, cardsByMentor];

const single =
  (draw: (facts: DatasetFacts, random: () => number) => Call) =>
  (facts: DatasetFacts, random: () => number = Math.random) =>
  () =>
    draw(facts, random);

export const workloads: Workload[] = [
  {
    name: 'worklet-mentors',
    title: "a worklet's active mentors",
    kind: 'read',
    cardPage: false,
    generator: single(workletMentors),
  },
  {
    name: 'mentor-worklets',
    title: "a mentor's active worklets",
    kind: 'read',
    cardPage: false,
    generator: single(mentorWorklets),
  },
  { name: 'cards', title: 'card page of 50, no filter', kind: 'read', cardPage: true, generator: single(cards) },
  {
    name: 'cards-needs-primary',
    title: 'card page of 50, status=active & needs_primary',
    kind: 'read',
    cardPage: true,
    generator: single(cardsNeedsPrimary),
  },
  {
    name: 'cards-by-mentor',
    title: 'card page of 50, mentorId filter',
    kind: 'read',
    cardPage: true,
    generator: single(cardsByMentor),
  },
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

export type HttpRequest = { method: 'GET' | 'POST'; path: string; body?: string };

/** The tRPC URL shape (superjson wraps the input in {"json": ...}). */
export function toHttp(call: Call): HttpRequest {
  const input = JSON.stringify({ json: call.input });
  if (call.type === 'query')
    return { method: 'GET', path: `/api/trpc/${call.procedure}?input=${encodeURIComponent(input)}` };
  return { method: 'POST', path: `/api/trpc/${call.procedure}`, body: input };
}
