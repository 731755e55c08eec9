/**
 * The rows of the CSV exports, read in keyset batches (one SQL statement a batch), so an
 * export of any size holds one batch in memory at a time. The host turns them into CSV
 * and streams them (apps/server/src/csv-exports.ts); nothing here knows about CSV.
 *
 * The filters and the visibility are those of the screens being exported: the worklet
 * list's `workletFilters` and `visibleWorklets`, the audit log's `auditLogWhere`.
 */
import type { Prisma, PrismaClient } from '@worklets/db';
import type { ExportAuditLogQuery, ExportMentorsQuery, ExportWorkletsQuery } from '@worklets/validators/exports';
import { activeAssignmentSelect, mentorOrder, toWorkletMentor } from '../assignments/assignment-select.ts';
import type { SessionUser } from '../context.ts';
import { auditLogWhere } from '../history/router.ts';
import { listMentors } from '../mentors/list-mentors.ts';
import { workletFilters } from '../worklets/list-worklets.ts';
import { visibleWorklets } from '../worklets/worklet-scope.ts';

const batchSize = 500;

type Cell = string | number | boolean | Date | null;
export type ExportRow = Record<string, Cell>;

const workletSelect = {
  id: true,
  title: true,
  status: true,
  updatedAt: true,
  mentorAssignments: {
    where: { isActive: true },
    select: { ...activeAssignmentSelect, assigner: { select: { name: true } } },
    orderBy: mentorOrder,
  },
} satisfies Prisma.WorkletSelect;

type WorkletRow = Prisma.WorkletGetPayload<{ select: typeof workletSelect }>;

/** Visible worklets matching `query`, newest first, a batch at a time. */
async function* workletBatches(db: PrismaClient, user: SessionUser, query: ExportWorkletsQuery) {
  const filters = [visibleWorklets(user), ...workletFilters(query)];
  let before: number | undefined;
  for (;;) {
    const batch: WorkletRow[] = await db.worklet.findMany({
      where: { AND: [...filters, ...(before ? [{ id: { lt: before } }] : [])] },
      orderBy: { id: 'desc' },
      take: batchSize,
      select: workletSelect,
    });
    yield batch;
    if (batch.length < batchSize) return;
    before = batch.at(-1)!.id;
  }
}

export const workletColumns = [
  'worklet_id',
  'title',
  'status',
  'primary_mentor',
  'primary_email',
  'mentors',
  'mentor_count',
  'last_change',
];
export const assignmentColumns = [
  'worklet_id',
  'title',
  'status',
  'mentor',
  'mentor_email',
  'role',
  'assigned_at',
  'assigned_by',
];

/** A row per worklet (mentors as "Name <email> (Role)" joined by "; "), or a row per active assignment. */
export async function* workletExportRows(
  db: PrismaClient,
  user: SessionUser,
  query: ExportWorkletsQuery,
): AsyncGenerator<ExportRow> {
  for await (const batch of workletBatches(db, user, query)) {
    for (const w of batch) {
      const base = { worklet_id: w.id, title: w.title, status: w.status };
      if (query.rows === 'assignments') {
        for (const a of w.mentorAssignments) {
          const m = toWorkletMentor(a);
          yield {
            ...base,
            mentor: m.name,
            mentor_email: m.email,
            role: m.role,
            assigned_at: m.assignedAt,
            // Who assigned is for staff (students' screens never show it).
            assigned_by: user.role === 'student' ? null : (a.assigner?.name ?? null),
          };
        }
        continue;
      }
      const mentors = w.mentorAssignments.map(toWorkletMentor);
      const primary = mentors.find((m) => m.role === 'Primary');
      yield {
        ...base,
        primary_mentor: primary?.name ?? null,
        primary_email: primary?.email ?? null,
        mentors: mentors.map((m) => `${m.name} <${m.email}> (${m.role})`).join('; '),
        mentor_count: mentors.length,
        last_change: w.updatedAt,
      };
    }
  }
}

export const auditLogColumns = [
  'time',
  'event',
  'worklet_id',
  'worklet',
  'mentor',
  'mentor_email',
  'old_role',
  'new_role',
  'changed_fields',
  'by',
];

/** The audit log matching `query`, newest first by (time, id), a batch at a time. */
export async function* auditLogExportRows(db: PrismaClient, query: ExportAuditLogQuery): AsyncGenerator<ExportRow> {
  const where = auditLogWhere(query);
  let after: { occurredAt: Date; id: number } | undefined;
  for (;;) {
    const batch = await db.assignmentEvent.findMany({
      where: {
        AND: [
          where,
          ...(after
            ? [
                {
                  OR: [
                    { occurredAt: { lt: after.occurredAt } },
                    { occurredAt: after.occurredAt, id: { lt: after.id } },
                  ],
                },
              ]
            : []),
        ],
      },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take: batchSize,
      select: {
        id: true,
        occurredAt: true,
        type: true,
        workletId: true,
        worklet: { select: { title: true } },
        mentorName: true,
        mentorEmail: true,
        oldRole: true,
        newRole: true,
        changedFields: true,
        actorName: true,
      },
    });
    for (const e of batch) {
      yield {
        time: e.occurredAt,
        event: e.type,
        worklet_id: e.workletId,
        worklet: e.worklet.title,
        mentor: e.mentorName || null,
        mentor_email: e.mentorEmail || null,
        old_role: e.oldRole,
        new_role: e.newRole,
        changed_fields: e.changedFields.join(' '),
        by: e.actorName,
      };
    }
    if (batch.length < batchSize) return;
    after = batch.at(-1)!;
  }
}

export const mentorColumns = [
  'mentor_id',
  'name',
  'email',
  'active',
  'primary',
  'secondary',
  'collaborator',
  'open_worklets',
  'capacity',
  'own_capacity',
  'over_capacity',
];

/** The Mentors list with workload by role and capacity, in its order and filter, a page at a time. */
export async function* mentorExportRows(db: PrismaClient, query: ExportMentorsQuery): AsyncGenerator<ExportRow> {
  let cursor: number | null = null;
  do {
    const page = await listMentors(db, {
      search: query.search,
      sort: query.sort,
      overCapacity: query.overCapacity === 'yes',
      cursor,
      limit: batchSize,
    });
    for (const m of page.items)
      yield {
        mentor_id: m.id,
        name: m.name,
        email: m.email,
        active: m.isActive,
        primary: m.workload.Primary,
        secondary: m.workload.Secondary,
        collaborator: m.workload.Collaborator,
        open_worklets: m.workload.total,
        capacity: m.capacity,
        own_capacity: m.ownCapacity !== null,
        over_capacity: m.overCapacity,
      };
    cursor = page.nextCursor;
  } while (cursor);
}
