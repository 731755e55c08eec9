-- DropIndex
DROP INDEX "worklets_mentor_id_idx";

-- CreateIndex
CREATE INDEX "users_name_id_idx" ON "users"("name", "id");

-- CreateIndex
CREATE INDEX "worklets_title_id_idx" ON "worklets"("title", "id");

-- CreateIndex
CREATE INDEX "worklets_updated_at_id_idx" ON "worklets"("updated_at", "id");

-- CreateIndex
CREATE INDEX "worklets_active_mentors_id_idx" ON "worklets"("active_mentors", "id");

-- CreateIndex
CREATE INDEX "worklets_mentor_id_id_idx" ON "worklets"("mentor_id", "id");
