-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "user_role" AS ENUM ('admin', 'mentor', 'student');

-- CreateEnum
CREATE TYPE "worklet_status" AS ENUM ('draft', 'active', 'completed', 'archived');

-- CreateEnum
CREATE TYPE "role_type" AS ENUM ('Primary', 'Secondary', 'Collaborator');

-- CreateEnum
CREATE TYPE "assignment_event_type" AS ENUM ('assigned', 'role_changed', 'deactivated', 'reactivated');

-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "user_role" NOT NULL DEFAULT 'student',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "worklets" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "status" "worklet_status" NOT NULL DEFAULT 'draft',
    "mentor_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "worklets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mentor_worklet_assignments" (
    "id" SERIAL NOT NULL,
    "mentor_id" INTEGER NOT NULL,
    "worklet_id" INTEGER NOT NULL,
    "assigned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "role_type" "role_type" NOT NULL DEFAULT 'Primary',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "assigned_by" INTEGER,

    CONSTRAINT "mentor_worklet_assignments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignment_events" (
    "id" SERIAL NOT NULL,
    "assignment_id" INTEGER,
    "worklet_id" INTEGER NOT NULL,
    "mentor_id" INTEGER,
    "mentor_name" TEXT NOT NULL,
    "mentor_email" TEXT NOT NULL,
    "actor_id" INTEGER,
    "actor_name" TEXT,
    "type" "assignment_event_type" NOT NULL,
    "old_role" "role_type",
    "new_role" "role_type",
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assignment_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "users_role_is_active_name_idx" ON "users"("role", "is_active", "name");

-- CreateIndex
CREATE INDEX "worklets_status_id_idx" ON "worklets"("status", "id");

-- CreateIndex
CREATE INDEX "worklets_mentor_id_idx" ON "worklets"("mentor_id");

-- CreateIndex
CREATE INDEX "mentor_worklet_assignments_worklet_id_is_active_idx" ON "mentor_worklet_assignments"("worklet_id", "is_active");

-- CreateIndex
CREATE INDEX "mentor_worklet_assignments_mentor_id_is_active_idx" ON "mentor_worklet_assignments"("mentor_id", "is_active");

-- CreateIndex
CREATE INDEX "mentor_worklet_assignments_assigned_by_idx" ON "mentor_worklet_assignments"("assigned_by");

-- CreateIndex
CREATE UNIQUE INDEX "unique_mentor_worklet" ON "mentor_worklet_assignments"("mentor_id", "worklet_id");

-- CreateIndex
CREATE UNIQUE INDEX "one_active_primary_per_worklet" ON "mentor_worklet_assignments"("worklet_id") WHERE (role_type = 'Primary' AND is_active);

-- CreateIndex
CREATE INDEX "assignment_events_worklet_id_id_idx" ON "assignment_events"("worklet_id", "id");

-- CreateIndex
CREATE INDEX "assignment_events_mentor_id_id_idx" ON "assignment_events"("mentor_id", "id");

-- CreateIndex
CREATE INDEX "assignment_events_actor_id_idx" ON "assignment_events"("actor_id");

-- CreateIndex
CREATE INDEX "assignment_events_assignment_id_idx" ON "assignment_events"("assignment_id");

-- AddForeignKey
ALTER TABLE "worklets" ADD CONSTRAINT "worklets_mentor_id_fkey" FOREIGN KEY ("mentor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mentor_worklet_assignments" ADD CONSTRAINT "mentor_worklet_assignments_mentor_id_fkey" FOREIGN KEY ("mentor_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mentor_worklet_assignments" ADD CONSTRAINT "mentor_worklet_assignments_worklet_id_fkey" FOREIGN KEY ("worklet_id") REFERENCES "worklets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mentor_worklet_assignments" ADD CONSTRAINT "mentor_worklet_assignments_assigned_by_fkey" FOREIGN KEY ("assigned_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_events" ADD CONSTRAINT "assignment_events_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "mentor_worklet_assignments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_events" ADD CONSTRAINT "assignment_events_worklet_id_fkey" FOREIGN KEY ("worklet_id") REFERENCES "worklets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_events" ADD CONSTRAINT "assignment_events_mentor_id_fkey" FOREIGN KEY ("mentor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_events" ADD CONSTRAINT "assignment_events_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
