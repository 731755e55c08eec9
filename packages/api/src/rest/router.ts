/**
 * The REST API for services in other languages (/api/v1, OpenAPI 3.1 via trpc-to-openapi),
 * on the original design's paths and shapes. Each operation calls the dashboard's own
 * procedure through a caller, so validation of ids, authorization (the token's owner's role),
 * domain rules and errors are the dashboard's; this file only translates shapes.
 *
 * Kept out of `appRouter`: these procedures need a token context that /api/trpc never builds,
 * and the browsers' `AppRouter` type stays as it was.
 */

import type { Worklet } from '@worklets/db';
import {
  restAssignMentorInput,
  restAssignMentorOutput,
  restMentorIdInput,
  restMentorWorkletsOutput,
  restWorkletIdInput,
  restWorkletMentorsOutput,
  restWorkletOutput,
} from '@worklets/validators/rest';
import { generateOpenApiDocument } from 'trpc-to-openapi';
import type { WorkletMentor } from '../assignments/assignment-select.ts';
import { createCaller } from '../root.ts';
import { router } from '../trpc.ts';
import { tokenProcedure, writeTokenProcedure } from './token-procedures.ts';

const tags = ['worklets'];
const readErrors = {
  400: 'Invalid input',
  401: 'No valid API token',
  403: 'Not allowed',
  404: 'Not found',
  429: 'Too many requests',
};

const toRestMentors = (mentors: WorkletMentor[]) =>
  mentors.map((m) => ({ mentor: { id: m.mentorId, name: m.name, email: m.email }, role: m.role }));

type WorkletRow = Pick<Worklet, 'id' | 'title' | 'description' | 'status' | 'createdAt' | 'updatedAt'>;

const toRestWorklet = (w: WorkletRow, mentorId: number | null) => ({
  id: w.id,
  title: w.title,
  description: w.description,
  status: w.status,
  mentor_id: mentorId,
  created_at: w.createdAt.toISOString(),
  updated_at: w.updatedAt.toISOString(),
});

export const restRouter = router({
  worklet: tokenProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/worklets/{worklet_id}',
        tags,
        summary: 'A worklet',
        errorResponses: readErrors,
      },
    })
    .input(restWorkletIdInput)
    .output(restWorkletOutput)
    .query(async ({ ctx, input }) => {
      const worklet = await createCaller(ctx).worklets.byId({ workletId: input.worklet_id });
      return toRestWorklet(worklet, worklet.legacyPrimaryMentor?.id ?? null);
    }),

  workletMentors: tokenProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/worklets/{worklet_id}/mentors',
        tags,
        summary: "A worklet's active mentors",
        errorResponses: readErrors,
      },
    })
    .input(restWorkletIdInput)
    .output(restWorkletMentorsOutput)
    .query(async ({ ctx, input }) =>
      toRestMentors(await createCaller(ctx).assignments.workletMentors({ workletId: input.worklet_id })),
    ),

  mentorWorklets: tokenProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/worklets/mentor/{mentor_id}/worklets',
        tags,
        summary: "A mentor's active worklets",
        errorResponses: readErrors,
      },
    })
    .input(restMentorIdInput)
    .output(restMentorWorkletsOutput)
    .query(async ({ ctx, input }) => {
      const assignments = await createCaller(ctx).assignments.mentorWorklets({ mentorId: input.mentor_id });
      const worklets = await ctx.db.worklet.findMany({
        where: { id: { in: assignments.map((a) => a.workletId) } },
        select: {
          id: true,
          title: true,
          description: true,
          status: true,
          mentorId: true,
          createdAt: true,
          updatedAt: true,
        },
      });
      const byId = new Map(worklets.map((w) => [w.id, w]));
      return assignments.flatMap((a) => {
        const w = byId.get(a.workletId);
        return w ? [toRestWorklet(w, w.mentorId)] : [];
      });
    }),

  assignMentor: writeTokenProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/worklets/{worklet_id}/assign-mentor',
        tags,
        summary: 'Assign a mentor to a worklet (the token’s owner is the assigner)',
        errorResponses: {
          ...readErrors,
          403: 'A read-only token, or not an admin',
          409: 'Already assigned, or a rule refuses it',
        },
      },
    })
    .input(restAssignMentorInput)
    .output(restAssignMentorOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await createCaller(ctx).assignments.assign({
        workletId: input.worklet_id,
        mentorId: input.mentor_id,
        role: input.role_type,
      });
      return {
        message: 'Mentor assigned successfully',
        worklet_id: result.workletId,
        mentors: toRestMentors(result.mentors),
      };
    }),
});

/** The OpenAPI 3.1 document of the REST API, served at /api/v1/openapi.json. */
export function restOpenApiDocument(baseUrl: string) {
  return generateOpenApiDocument(restRouter, {
    title: 'Worklets REST API',
    version: '1.0.0',
    description:
      'For services in other languages. Authenticate with `Authorization: Bearer <API token>` (admins create tokens in the Worklets app).',
    baseUrl,
  });
}
