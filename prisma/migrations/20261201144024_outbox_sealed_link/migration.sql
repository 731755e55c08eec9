-- AlterTable
ALTER TABLE "outbox" ADD COLUMN     "sealed_link" TEXT;
