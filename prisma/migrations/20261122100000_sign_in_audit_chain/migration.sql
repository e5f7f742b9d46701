-- AlterTable
ALTER TABLE "Staff" ADD COLUMN     "passwordHash" TEXT,
ADD COLUMN     "allStores" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "chainSeq" INTEGER,
ADD COLUMN     "prevHash" TEXT,
ADD COLUMN     "hash" TEXT;

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "staffId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_staffId_idx" ON "Session"("staffId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_vin_chainSeq_key" ON "AuditEvent"("vin", "chainSeq");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "Staff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tamper-evident audit log (hand-written; Prisma does not model triggers).
-- The digest covers every field a person could want to alter; scripts/auditVerify.ts recomputes it
-- from the same text forms without using this function.
CREATE FUNCTION audit_event_digest(prev TEXT, e "AuditEvent") RETURNS TEXT LANGUAGE sql IMMUTABLE AS $fn$
  SELECT encode(sha256(convert_to(concat_ws('|', prev, e."idempotencyKey", e."vin", e."workflowId", e."runId",
    e."cycle"::text, coalesce(e."rule", ''), e."action", e."actor",
    to_char(e."occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS'), e."data"::text), 'UTF8')), 'hex')
$fn$;

-- Each vehicle's events form one chain; the per-VIN lock orders concurrent appends without
-- serialising different vehicles.
CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  last_seq INTEGER;
  last_hash TEXT;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('AuditEvent:' || NEW."vin"));
  SELECT "chainSeq", "hash" INTO last_seq, last_hash FROM "AuditEvent"
    WHERE "vin" = NEW."vin" AND "chainSeq" IS NOT NULL ORDER BY "chainSeq" DESC LIMIT 1;
  NEW."chainSeq" := coalesce(last_seq, 0) + 1;
  NEW."prevHash" := coalesce(last_hash, '');
  NEW."hash" := audit_event_digest(NEW."prevHash", NEW);
  RETURN NEW;
END
$fn$;

-- Events recorded before this migration join their vehicle's chain in recording order.
DO $fn$
DECLARE
  r "AuditEvent"%ROWTYPE;
  seq INTEGER := 0;
  prev TEXT := '';
  cur_vin TEXT := NULL;
BEGIN
  FOR r IN SELECT * FROM "AuditEvent" ORDER BY "vin", "id" LOOP
    IF cur_vin IS DISTINCT FROM r."vin" THEN
      cur_vin := r."vin"; seq := 0; prev := '';
    END IF;
    seq := seq + 1;
    UPDATE "AuditEvent" SET "chainSeq" = seq, "prevHash" = prev, "hash" = audit_event_digest(prev, r) WHERE "id" = r."id";
    prev := audit_event_digest(prev, r);
  END LOOP;
END
$fn$;

CREATE TRIGGER audit_event_chain BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on "AuditEvent" is not allowed', TG_OP;
END
$fn$;

CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON "AuditEvent" FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
