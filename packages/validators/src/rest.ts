/**
 * The REST API's (/api/v1) inputs and outputs, in the original design's snake_case shapes
 * (docs: /work/shared/design/original-proposal.md), for services in other languages.
 *
 * Ids are built fresh here rather than reusing `id` from common.ts: trpc-to-openapi turns on
 * coercion (path and query values are strings) by setting it on the schema objects it is
 * given, which would change the dashboard's shared `id` too.
 */
import { z } from 'zod';
import { mentorRole } from './assignments.ts';
import { workletStatus } from './worklets.ts';

const restId = (description: string) => z.number().int().positive().max(2_147_483_647).describe(description);

export const restWorkletIdInput = z.strictObject({ worklet_id: restId('The worklet') });
export const restMentorIdInput = z.strictObject({ mentor_id: restId('The mentor (a user id)') });

/** POST /worklets/{worklet_id}/assign-mentor: the assigner is the token's owner, never the body. */
export const restAssignMentorInput = z.strictObject({
  worklet_id: restId('The worklet'),
  mentor_id: restId('The mentor to assign (a user id)'),
  role_type: mentorRole
    .optional()
    .describe('Primary when the worklet has no Primary yet, else Secondary, unless given'),
  assigned_by: z
    .never({ message: 'The assigner is the owner of the API token: do not send assigned_by' })
    .optional()
    .describe('Refused: the assigner is the owner of the API token'),
});

const restMentor = z.object({ id: z.number().int(), name: z.string(), email: z.string() });

/** GET /worklets/{worklet_id}/mentors: `[{"mentor": {...}, "role": "Primary"}]`, Primary first. */
export const restWorkletMentorsOutput = z.array(z.object({ mentor: restMentor, role: mentorRole }));

/** A worklet as the original design's clients read it. */
export const restWorkletOutput = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  status: workletStatus,
  /** The legacy single-mentor column: the active Primary's id. */
  mentor_id: z.number().int().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

/** GET /worklets/mentor/{mentor_id}/worklets: the mentor's active worklets. */
export const restMentorWorkletsOutput = z.array(restWorkletOutput);

export const restAssignMentorOutput = z.object({
  message: z.string(),
  worklet_id: z.number().int(),
  mentors: restWorkletMentorsOutput,
});
