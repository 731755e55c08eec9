-- CreateEnum
CREATE TYPE "MailKind" AS ENUM ('invitation', 'password_reset', 'notification', 'digest');

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "notifications_enabled" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "outbox" (
    "id" SERIAL NOT NULL,
    "kind" "MailKind" NOT NULL,
    "recipient_id" INTEGER,
    "to_email" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "batch_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_message_id_key" ON "outbox"("message_id");

-- CreateIndex
CREATE INDEX "outbox_due" ON "outbox"("next_attempt_at") WHERE (sent_at IS NULL);

-- CreateIndex
CREATE INDEX "outbox_sent" ON "outbox"("sent_at") WHERE (sent_at IS NOT NULL);

-- CreateIndex
CREATE INDEX "outbox_recipient_id_idx" ON "outbox"("recipient_id");

-- CreateIndex
CREATE INDEX "outbox_batch_id_idx" ON "outbox"("batch_id");

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "change_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;
