/**
 * One save = one `change_batches` row, and every event of the save carries its id (what an
 * undo reverts together). A transaction makes one recorder and hands it to every writer
 * (`applyMentorChanges`, `applyFieldChanges`); the row is inserted the first time a writer
 * actually records an event, so a save that changes nothing spends no statement on it.
 */
import type { Prisma, SqlClient } from '@worklets/db';
import type { Actor } from '../assignments/mentor-changes.ts';

type ChangeKind = Prisma.ChangeBatchCreateInput['kind'];

export class BatchRecorder {
  #id: number | null = null;

  constructor(
    readonly kind: ChangeKind,
    readonly actor: Actor,
    readonly subjectUserId: number | null = null,
  ) {}

  /** The batch's id, creating its row in `tx` on first use. */
  async id(tx: SqlClient): Promise<number> {
    if (this.#id === null) {
      const [row] = await tx.$queryRaw<{ id: number }[]>`
        INSERT INTO change_batches (kind, actor_id, actor_name, subject_user_id)
        VALUES (${this.kind}::change_kind, ${this.actor.id}::int, ${this.actor.name}::text, ${this.subjectUserId}::int)
        RETURNING id`;
      this.#id = row!.id;
    }
    return this.#id;
  }

  /** The id once something was recorded; null while nothing changed. */
  get batchId(): number | null {
    return this.#id;
  }
}
