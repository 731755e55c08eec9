-- CreateEnum
CREATE TYPE "change_kind" AS ENUM ('edit', 'bulk', 'user_deactivation', 'user_reactivation', 'undo', 'import');

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "capacity" INTEGER;

-- AlterTable
ALTER TABLE "worklets" ADD COLUMN     "active_mentors" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "assignment_events" ADD COLUMN     "batch_id" INTEGER,
ADD COLUMN     "capacity_override" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "previous_values" JSONB;

-- CreateTable
CREATE TABLE "change_batches" (
    "id" SERIAL NOT NULL,
    "kind" "change_kind" NOT NULL,
    "actor_id" INTEGER,
    "actor_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "subject_user_id" INTEGER,
    "undone_by" INTEGER,

    CONSTRAINT "change_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "program_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "default_mentor_capacity" INTEGER NOT NULL DEFAULT 8,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "program_settings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "change_batches_undone_by_key" ON "change_batches"("undone_by");

-- CreateIndex
CREATE INDEX "change_batches_actor_id_created_at_idx" ON "change_batches"("actor_id", "created_at");

-- CreateIndex
CREATE INDEX "change_batches_subject_user_id_kind_id_idx" ON "change_batches"("subject_user_id", "kind", "id");

-- CreateIndex
CREATE INDEX "assignment_events_batch_id_idx" ON "assignment_events"("batch_id");

-- AddForeignKey
ALTER TABLE "assignment_events" ADD CONSTRAINT "assignment_events_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "change_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_batches" ADD CONSTRAINT "change_batches_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_batches" ADD CONSTRAINT "change_batches_undone_by_fkey" FOREIGN KEY ("undone_by") REFERENCES "change_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Existing worklets: their number of active mentors (kept from now on by `workletsChangedSql`).
UPDATE "worklets" w SET "active_mentors" =
  (SELECT count(*) FROM "mentor_worklet_assignments" a WHERE a."worklet_id" = w."id" AND a."is_active");

-- The one settings row, and what the columns may hold.
INSERT INTO "program_settings" ("id") VALUES (1) ON CONFLICT DO NOTHING;
ALTER TABLE "program_settings" ADD CONSTRAINT "program_settings_one_row" CHECK ("id" = 1);
ALTER TABLE "program_settings" ADD CONSTRAINT "program_settings_capacity_range"
  CHECK ("default_mentor_capacity" BETWEEN 0 AND 1000);
ALTER TABLE "users" ADD CONSTRAINT "users_capacity_range" CHECK ("capacity" BETWEEN 0 AND 1000);
