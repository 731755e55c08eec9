/**
 * CSV import of assignments, after the host has parsed the file into lines: a preview
 * (what each line would do, and the errors, writing nothing) and an apply (the same plan,
 * decided again under the locks, in one transaction and one `import` batch, so one Undo
 * reverts it). The rules are the rule module's, as for every other writer; the changes are
 * written by `applyMentorChanges`.
 *
 * Decisions: a file with any error line is not applied at all (fix the file, preview
 * again); an apply whose plan differs from the preview it confirms (someone changed the
 * data meanwhile) is refused, so nobody applies what they did not see. Importing a file
 * again finds every line unchanged and writes nothing.
 */
import { createHash } from 'node:crypto';
import { Prisma, type PrismaClient } from '@worklets/db';
import {
  capacityViolation,
  type MentorFacts,
  mentorCountViolation,
  mentorViolation,
  openWorkletStatuses,
  workletViolation,
} from '@worklets/db/assignment-rules';
import { type ImportLine, importLine } from '@worklets/validators/imports';
import type { Actor, MentorChange, MentorRef, Tx } from '../assignments/mentor-changes.ts';
import { applyMentorChangesMany } from '../assignments/mentor-changes.ts';
import { BatchRecorder } from '../batches/batch-recorder.ts';
import { type LockedWorkletRow, lockWorklets } from '../batches/lock-worklets.ts';
import { conflict, retryOnConflict } from '../errors.ts';
import { readMentorWorkloads } from '../mentors/mentor-workload.ts';

type ImportAction = 'add' | 'role_change' | 'deactivate' | 'unchanged' | 'error';

type ImportLineResult = {
  line: number;
  action: ImportAction;
  /** Rule 5: the line takes its mentor over capacity (applied only when confirmed). */
  overCapacity: boolean;
  workletId: number | null;
  workletTitle: string | null;
  mentorEmail: string;
  role: string | null;
  message: string | null;
};

type Planned = ImportLineResult & { mentorId?: number; change?: MentorChange; workletStatus?: string };
/** A line of the file as the host parsed it: the columns' text and its line number. */
export type RawLine = { line: number; worklet?: string; mentor_email?: string; role?: string; active?: string };
type Mentor = MentorFacts & { email: string };

type Validated = { line: number; mentorEmail: string; role: string | null; ok: ImportLine | null; error: string };

/** Each line validated (an error line keeps its message). */
function validate(raw: RawLine[]): Validated[] {
  return raw.map((r) => {
    const parsed = importLine.safeParse(r);
    const base = { line: r.line, mentorEmail: (r.mentor_email ?? '').trim(), role: r.role?.trim() || null };
    if (parsed.success) return { ...base, ok: parsed.data, error: '' };
    const issue = parsed.error.issues[0]!;
    return { ...base, ok: null, error: `${String(issue.path[0] ?? 'line')}: ${issue.message}` };
  });
}

/** Worklets by id and by exact title, and mentors by email: three statements for the whole file. */
async function resolve(tx: Tx, lines: ImportLine[], lock: boolean) {
  const ids = [...new Set(lines.flatMap((l) => (l.workletId ? [l.workletId] : [])))];
  const titles = [...new Set(lines.flatMap((l) => (l.workletTitle ? [l.workletTitle] : [])))];
  const byTitle = await tx.worklet.findMany({ where: { title: { in: titles } }, select: { id: true, title: true } });
  const titleIds = new Map<string, number[]>();
  for (const w of byTitle) titleIds.set(w.title, [...(titleIds.get(w.title) ?? []), w.id]);
  const worklets = await lockWorklets(tx, [...new Set([...ids, ...byTitle.map((w) => w.id)])], lock);
  const emails = [...new Set(lines.map((l) => l.mentorEmail))];
  const mentors = await tx.$queryRawUnsafe<Mentor[]>(
    `SELECT id, name, email, role::text AS role, is_active AS "isActive" FROM users
     WHERE email = ANY($1::text[]) ORDER BY id ${lock ? 'FOR SHARE' : ''}`,
    emails,
  );
  return { worklets, titleIds, mentors: new Map(mentors.map((m) => [m.email, m])) };
}

type Resolved = Awaited<ReturnType<typeof resolve>>;

function findWorklet(line: ImportLine, r: Resolved): LockedWorkletRow | string {
  if (line.workletId) return r.worklets.get(line.workletId) ?? `No worklet #${line.workletId}.`;
  const matches = r.titleIds.get(line.workletTitle!) ?? [];
  if (matches.length === 0) return `No worklet is titled “${line.workletTitle}”.`;
  if (matches.length > 1) return `${matches.length} worklets are titled “${line.workletTitle}”: use the id.`;
  return r.worklets.get(matches[0]!)!;
}

/** What one valid line does to its worklet, before the worklet-wide rules. */
function decideLine(line: ImportLine, worklet: LockedWorkletRow, mentor: Mentor | undefined): Partial<Planned> {
  if (!mentor) return { action: 'error', message: `No user has the email ${line.mentorEmail}.` };
  const current = worklet.assignments.find((a) => a.mentorId === mentor.id);
  const ref: MentorRef = { id: mentor.id, name: mentor.name, email: mentor.email };
  if (!line.active) {
    if (!current?.isActive) return { action: 'unchanged', mentorId: mentor.id };
    return { action: 'deactivate', mentorId: mentor.id, change: { kind: 'deactivate', assignment: current } };
  }
  const role = line.role!;
  if (current?.isActive) {
    if (current.roleType === role) return { action: 'unchanged', mentorId: mentor.id };
    return { action: 'role_change', mentorId: mentor.id, change: { kind: 'changeRole', assignment: current, role } };
  }
  const violation = mentorViolation(mentor, mentor.id) ?? workletViolation(worklet);
  if (violation) return { action: 'error', message: violation.message };
  const change: MentorChange = current
    ? { kind: 'reactivate', assignment: current, role }
    : { kind: 'assign', mentor: ref, role };
  return { action: 'add', mentorId: mentor.id, change };
}

/** Rules 3 and 4 on the worklet as the file leaves it: the lines that break them become errors. */
function checkWorklet(worklet: LockedWorkletRow, planned: Planned[]) {
  const finalRole = new Map(worklet.assignments.filter((a) => a.isActive).map((a) => [a.mentorId, a.roleType]));
  for (const p of planned) {
    if (p.action === 'deactivate') finalRole.delete(p.mentorId!);
    else if (p.change && p.change.kind !== 'deactivate') finalRole.set(p.mentorId!, p.change.role);
  }
  const primaries = [...finalRole.values()].filter((r) => r === 'Primary').length;
  if (primaries > 1)
    for (const p of planned)
      if (p.change && p.change.kind !== 'deactivate' && p.change.role === 'Primary')
        Object.assign(p, {
          action: 'error',
          change: undefined,
          message: `“${worklet.title}” would have ${primaries} Primary mentors: make the current Primary Secondary (or inactive) in the same file.`,
        });
  const tooMany = mentorCountViolation(worklet, finalRole.size);
  if (tooMany)
    for (const p of planned)
      if (p.action === 'add') Object.assign(p, { action: 'error', change: undefined, message: tooMany.message });
}

/**
 * Rule 5 over the whole file: each mentor's joins on open worklets count one each, in line
 * order; the lines past the mentor's capacity are marked (the import then needs a confirmation,
 * and records them as overrides).
 */
async function markOverCapacity(tx: Tx, planned: Planned[], lock: boolean) {
  const joins = planned.filter(
    (p) =>
      (p.change?.kind === 'assign' || p.change?.kind === 'reactivate') &&
      (openWorkletStatuses as readonly string[]).includes(p.workletStatus ?? ''),
  );
  const ids = [...new Set(joins.map((p) => p.mentorId!))].sort((a, b) => a - b);
  if (ids.length === 0) return;
  // Locked like every assignment writer locks the mentors it adds, then counted after the lock.
  if (lock) await tx.$queryRaw`SELECT id FROM users WHERE id = ANY(${ids}::int[]) ORDER BY id FOR NO KEY UPDATE`;
  const loads = await readMentorWorkloads(tx, 'few', Prisma.sql`m.id = ANY(${ids}::int[])`);
  const count = new Map(loads.map((m) => [m.id, { ...m, n: m.total }]));
  for (const p of joins) {
    const m = count.get(p.mentorId!)!;
    const violation = capacityViolation({ name: m.name, capacity: m.capacity, activeWorklets: m.n }, 1);
    m.n++;
    if (!violation) continue;
    p.overCapacity = true;
    p.message = violation.message.replace(': confirm to assign anyway.', '.');
    if (p.change && p.change.kind !== 'changeRole' && p.change.kind !== 'deactivate') p.change.capacityOverride = true;
  }
}

function plan(resolved: Resolved, validated: Validated[]): Planned[] {
  const seen = new Map<string, number>();
  const byWorklet = new Map<number, Planned[]>();
  const planned = validated.map((v): Planned => {
    const base = {
      line: v.line,
      workletId: null,
      workletTitle: null,
      mentorEmail: v.mentorEmail,
      role: v.role,
      overCapacity: false,
    };
    if (!v.ok) return { ...base, action: 'error', message: v.error };
    const worklet = findWorklet(v.ok, resolved);
    if (typeof worklet === 'string') return { ...base, action: 'error', message: worklet };
    const at = {
      ...base,
      mentorEmail: v.ok.mentorEmail,
      workletId: worklet.id,
      workletTitle: worklet.title,
      workletStatus: worklet.status,
    };
    const key = `${worklet.id} ${v.ok.mentorEmail}`;
    const earlier = seen.get(key);
    if (earlier)
      return { ...at, action: 'error', message: `Line ${earlier} already sets this mentor on this worklet.` };
    seen.set(key, v.line);
    const p = { ...at, message: null, ...decideLine(v.ok, worklet, resolved.mentors.get(v.ok.mentorEmail)) } as Planned;
    byWorklet.set(worklet.id, [...(byWorklet.get(worklet.id) ?? []), p]);
    return p;
  });
  for (const [id, lines] of byWorklet) checkWorklet(resolved.worklets.get(id)!, lines);
  return planned;
}

/** A fingerprint of what the plan would do: an apply must match the preview it confirms. */
function digestOf(planned: Planned[]): string {
  const what = planned.map((p) => [
    p.line,
    p.action,
    p.workletId,
    p.mentorId ?? null,
    p.change?.kind ?? null,
    p.change && 'role' in p.change ? p.change.role : null,
  ]);
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

function summary(planned: Planned[], digest: string, batchId: number | null) {
  const totals = { add: 0, role_change: 0, deactivate: 0, unchanged: 0, error: 0 } satisfies Record<
    ImportAction,
    number
  >;
  for (const p of planned) totals[p.action]++;
  const lines: ImportLineResult[] = planned.map(({ mentorId, change, workletStatus, ...line }) => line);
  const overCapacity = planned.filter((p) => p.overCapacity).length;
  return { lines, totals, overCapacity, digest, batchId };
}

export type ImportResult = ReturnType<typeof summary>;

/**
 * The file's plan against the current data, the same for a preview and an apply: each line
 * validated, its worklet and mentor found, its change decided under the rules (1 to 5).
 * `lock`: the worklets and the joining mentors are locked, as for a write.
 */
async function planFile(tx: Tx, raw: RawLine[], lock: boolean) {
  const validated = validate(raw);
  const ok = validated.flatMap((v) => (v.ok ? [v.ok] : []));
  const resolved = await resolve(tx, ok, lock);
  const planned = plan(resolved, validated);
  await markOverCapacity(tx, planned, lock);
  return { planned, resolved };
}

/** What the file would do, decided against the current data; writes nothing. */
export function previewImport(db: PrismaClient, raw: RawLine[]): Promise<ImportResult> {
  return db.$transaction(async (tx) => {
    const { planned } = await planFile(tx, raw, false);
    return summary(planned, digestOf(planned), null);
  });
}

/** Applies the file in one transaction and one `import` batch, if its plan is still the previewed one. */
export function applyImport(
  db: PrismaClient,
  raw: RawLine[],
  options: { digest: string; allowOverCapacity: boolean },
  actor: Actor,
) {
  return retryOnConflict(() =>
    db.$transaction(
      async (tx) => {
        const { planned, resolved } = await planFile(tx, raw, true);
        const errors = planned.filter((p) => p.action === 'error').length;
        if (errors > 0)
          throw conflict(
            `The file has ${errors} line${errors === 1 ? '' : 's'} with errors: nothing was imported. Fix them and preview again.`,
          );
        const now = digestOf(planned);
        if (options.digest !== now)
          throw conflict('The data changed since the preview: preview the file again to see what it would do now.');
        const over = planned.filter((p) => p.overCapacity).length;
        if (over > 0 && !options.allowOverCapacity)
          throw conflict(
            `${over} line${over === 1 ? '' : 's'} would take mentors over their capacity: confirm to import anyway.`,
          );
        const batch = new BatchRecorder('import', actor);
        const changes = new Map<number, MentorChange[]>();
        for (const p of planned)
          if (p.change) changes.set(p.workletId!, [...(changes.get(p.workletId!) ?? []), p.change]);
        const items = [...changes].map(([id, list]) => ({ worklet: resolved.worklets.get(id)!, changes: list }));
        await applyMentorChangesMany(tx, items, actor, batch);
        return summary(planned, now, batch.batchId);
      },
      { timeout: 60_000 },
    ),
  );
}
