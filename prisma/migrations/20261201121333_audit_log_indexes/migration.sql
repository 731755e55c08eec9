-- DropIndex
DROP INDEX "assignment_events_actor_id_idx";

-- CreateIndex
CREATE INDEX "assignment_events_occurred_at_id_idx" ON "assignment_events"("occurred_at", "id");

-- CreateIndex
CREATE INDEX "assignment_events_actor_id_occurred_at_id_idx" ON "assignment_events"("actor_id", "occurred_at", "id");
