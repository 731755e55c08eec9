-- AlterEnum
ALTER TYPE "assignment_event_type" ADD VALUE 'worklet_updated';

-- DropIndex
DROP INDEX "assignment_events_worklet_id_id_idx";

-- DropIndex
DROP INDEX "assignment_events_mentor_id_id_idx";

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "created_by" INTEGER,
ADD COLUMN     "idempotency_key" UUID;

-- AlterTable
ALTER TABLE "worklets" ADD COLUMN     "created_by" INTEGER,
ADD COLUMN     "idempotency_key" UUID,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "assignment_events" ADD COLUMN     "changed_fields" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "worklet_version" INTEGER;

-- Existing history (edited by hand, not generated): every past event was one change, so
-- each gets the version it produced (2, 3, ... per worklet in time order) and each worklet
-- the version after its last event. "Changes since version v" then works for old rows too.
UPDATE "assignment_events" e SET "worklet_version" = v.version
FROM (SELECT "id", 1 + row_number() OVER (PARTITION BY "worklet_id" ORDER BY "occurred_at", "id") AS version
      FROM "assignment_events") v
WHERE e."id" = v."id";
UPDATE "worklets" w SET "version" = 1 + c.n
FROM (SELECT "worklet_id", count(*)::int AS n FROM "assignment_events" GROUP BY "worklet_id") c
WHERE w."id" = c."worklet_id";
ALTER TABLE "assignment_events" ALTER COLUMN "worklet_version" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "users_idempotency" ON "users"("created_by", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "worklets_idempotency" ON "worklets"("created_by", "idempotency_key");

-- CreateIndex
CREATE INDEX "assignment_events_worklet_id_occurred_at_id_idx" ON "assignment_events"("worklet_id", "occurred_at", "id");

-- CreateIndex
CREATE INDEX "assignment_events_mentor_id_occurred_at_id_idx" ON "assignment_events"("mentor_id", "occurred_at", "id");

-- CreateIndex
CREATE INDEX "assignment_events_worklet_id_worklet_version_idx" ON "assignment_events"("worklet_id", "worklet_version");
