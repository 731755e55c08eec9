/**
 * The demo program: a few admins, ~40 mentors, ~150 students, ~80 worklets in every
 * status, 1-4 mentors per worklet in mixed roles, some inactive assignments with history,
 * and a few busy mentors: two over capacity, one with a capacity of their own.
 * Deterministic. Loaded on first start of an empty embedded database.
 */
import { addCapacityShowcase } from './capacity-showcase.ts';
import { generateProgram, type Program } from './program.ts';

export const demoSize = {
  admins: 3,
  mentors: 40,
  students: 150,
  worklets: 80,
  seed: 20260202,
  demoEmails: true,
} as const;

export function generateDemoProgram(): Program {
  const program = generateProgram(demoSize);
  addCapacityShowcase(program);
  return program;
}
