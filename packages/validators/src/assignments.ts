import { z } from 'zod';
import { expectedVersion, id, pageInput } from './common.ts';

/** Roles a mentor can have on a worklet; at most one active Primary per worklet. */
export const mentorRoles = ['Primary', 'Secondary', 'Collaborator'] as const;
export const mentorRole = z.enum(mentorRoles);
export type MentorRole = z.infer<typeof mentorRole>;

/** At most this many active mentors per worklet, in every write (and in the web picker). */
export const maxMentorsPerWorklet = 20;

/**
 * Rule 5's explicit override: without it, a write that takes a mentor over their capacity is
 * refused (CONFLICT with `data.details.overCapacity`); with it, the write goes through and its
 * events record `capacityOverride`.
 */
const allowOverCapacity = z.boolean().default(false);

/**
 * Assign a mentor to a worklet (the design's POST /{worklet_id}/assign-mentor).
 * `role` defaults to Primary when the worklet has no active Primary, else Secondary.
 * `replacePrimary` lets a new Primary demote the current one to Secondary.
 * `allowOverCapacity` confirms an assignment over the mentor's capacity.
 * Who assigns comes from the signed-in user, never from the input.
 */
export const assignMentorInput = z.strictObject({
  workletId: id,
  mentorId: id,
  role: mentorRole.optional(),
  replacePrimary: z.boolean().default(false),
  allowOverCapacity,
});
export type AssignMentorInput = z.input<typeof assignMentorInput>;

/**
 * The whole set of a worklet's active mentors, as a multi-select saves it, with the worklet
 * version the editor started from (a stale one is a CONFLICT: nobody's change is lost).
 */
export const setWorkletMentorsInput = z
  .strictObject({
    workletId: id,
    expectedVersion,
    mentors: z
      .array(z.strictObject({ mentorId: id, role: mentorRole }))
      .max(maxMentorsPerWorklet, `A worklet can have at most ${maxMentorsPerWorklet} mentors`),
    allowOverCapacity,
  })
  .superRefine((value, ctx) => {
    const seen = new Set<number>();
    value.mentors.forEach((m, index) => {
      if (seen.has(m.mentorId))
        ctx.addIssue({ code: 'custom', path: ['mentors', index, 'mentorId'], message: 'This mentor is listed twice' });
      seen.add(m.mentorId);
    });
    if (value.mentors.filter((m) => m.role === 'Primary').length > 1) {
      ctx.addIssue({ code: 'custom', path: ['mentors'], message: 'Only one mentor can be Primary' });
    }
  });
export type SetWorkletMentorsInput = z.input<typeof setWorkletMentorsInput>;

export const changeAssignmentRoleInput = z.strictObject({
  assignmentId: id,
  role: mentorRole,
  replacePrimary: z.boolean().default(false),
});
export type ChangeAssignmentRoleInput = z.input<typeof changeAssignmentRoleInput>;

export const assignmentIdInput = z.strictObject({ assignmentId: id });

export const reactivateAssignmentInput = z.strictObject({
  assignmentId: id,
  role: mentorRole.optional(),
  replacePrimary: z.boolean().default(false),
  allowOverCapacity,
});
export type ReactivateAssignmentInput = z.input<typeof reactivateAssignmentInput>;

export const mentorIdInput = z.strictObject({ mentorId: id });

export const workletHistoryInput = z.strictObject({ workletId: id, ...pageInput });
export const mentorHistoryInput = z.strictObject({ mentorId: id, ...pageInput });

/** Kinds of history event (the database enum `assignment_event_type`). */
export const assignmentEventTypes = [
  'assigned',
  'role_changed',
  'deactivated',
  'reactivated',
  'worklet_updated',
] as const;
export type AssignmentEventType = (typeof assignmentEventTypes)[number];

/**
 * The program-wide audit log: every filter optional; `from` and `to` are inclusive and
 * accept ISO strings (from the URL) or dates. A range that ends before it starts is refused.
 */
export const auditLogInput = z
  .strictObject({
    actorId: id.optional(),
    mentorId: id.optional(),
    workletId: id.optional(),
    types: z.array(z.enum(assignmentEventTypes)).max(assignmentEventTypes.length).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    ...pageInput,
  })
  .superRefine((value, ctx) => {
    if (value.from && value.to && value.from > value.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end date must not be before the start date' });
  });
export type AuditLogInput = z.input<typeof auditLogInput>;
