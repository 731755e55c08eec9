/**
 * CSV import of assignments: one line per (worklet, mentor) with the state wanted.
 *   worklet       the worklet's id, or its exact title
 *   mentor_email  the mentor's email (any case)
 *   role          Primary, Secondary or Collaborator (any case); may be empty when active is no
 *   active        yes or no (also true/false, 1/0, y/n; empty means yes)
 */
import { z } from 'zod';
import { mentorRoles } from './assignments.ts';
import { id } from './common.ts';

export const maxImportRows = 10_000;
export const maxImportBytes = 2 * 1024 * 1024;

/** The header a file must have (any order, any case; other columns are refused). */
export const importColumns = ['worklet', 'mentor_email', 'role', 'active'] as const;

const yes = new Set(['yes', 'y', 'true', '1', '']);
const no = new Set(['no', 'n', 'false', '0']);

/** One line of the file as text, validated into what it asks for. */
export const importLine = z
  .object({
    worklet: z.string().trim().min(1, 'Give the worklet’s id or exact title').max(200, 'At most 200 characters'),
    mentor_email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email({ message: 'Not an email address' })),
    role: z.string().trim(),
    active: z.string().trim().toLowerCase(),
  })
  .transform((line, ctx) => {
    const active = yes.has(line.active) ? true : no.has(line.active) ? false : null;
    if (active === null) {
      ctx.addIssue({ code: 'custom', path: ['active'], message: 'Write yes or no' });
      return z.NEVER;
    }
    const role = mentorRoles.find((r) => r.toLowerCase() === line.role.toLowerCase()) ?? null;
    if (active && role === null) {
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'Write Primary, Secondary or Collaborator' });
      return z.NEVER;
    }
    const workletId = /^\d+$/.test(line.worklet) ? id.safeParse(Number(line.worklet)).data : undefined;
    return { workletId, workletTitle: workletId ? null : line.worklet, mentorEmail: line.mentor_email, role, active };
  });
export type ImportLine = z.output<typeof importLine>;

/** The query of the import request: a preview, or applying what a preview showed. */
export const importRequest = z
  .strictObject({
    step: z.enum(['preview', 'apply']),
    /** For apply: the preview's digest; a different plan now (the data changed) is refused. */
    digest: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'Not a preview digest')
      .optional(),
    /** Rule 5: apply the lines that take mentors over capacity (the preview marks them). */
    allowOverCapacity: z.literal('yes').optional(),
  })
  .superRefine((value, ctx) => {
    if (value.step === 'apply' && !value.digest)
      ctx.addIssue({
        code: 'custom',
        path: ['digest'],
        message: 'Preview the file first: apply takes the preview\u2019s digest',
      });
  });
