-- CreateTable
CREATE TABLE "StoreAuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "storeId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "chainSeq" INTEGER,
    "prevHash" TEXT,
    "hash" TEXT,

    CONSTRAINT "StoreAuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StoreAuditEvent_storeId_occurredAt_idx" ON "StoreAuditEvent"("storeId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "StoreAuditEvent_storeId_chainSeq_key" ON "StoreAuditEvent"("storeId", "chainSeq");

-- AddForeignKey
ALTER TABLE "StoreAuditEvent" ADD CONSTRAINT "StoreAuditEvent_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tamper-evident, append-only, one chain per store (hand-written; Prisma does not model triggers). The
-- digest covers every field a person could want to alter; api/audit/verifyChain.ts recomputes it from
-- the same text forms without using this function.
CREATE FUNCTION store_audit_event_digest(prev TEXT, e "StoreAuditEvent") RETURNS TEXT LANGUAGE sql IMMUTABLE AS $fn$
  SELECT encode(sha256(convert_to(concat_ws('|', prev, e."storeId", e."action", e."actor",
    to_char(e."occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS'), e."data"::text), 'UTF8')), 'hex')
$fn$;

CREATE FUNCTION store_audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  last_seq INTEGER;
  last_hash TEXT;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('StoreAuditEvent:' || NEW."storeId"));
  SELECT "chainSeq", "hash" INTO last_seq, last_hash FROM "StoreAuditEvent"
    WHERE "storeId" = NEW."storeId" AND "chainSeq" IS NOT NULL ORDER BY "chainSeq" DESC LIMIT 1;
  NEW."chainSeq" := coalesce(last_seq, 0) + 1;
  NEW."prevHash" := coalesce(last_hash, '');
  NEW."hash" := store_audit_event_digest(NEW."prevHash", NEW);
  RETURN NEW;
END
$fn$;

CREATE TRIGGER store_audit_event_chain BEFORE INSERT ON "StoreAuditEvent" FOR EACH ROW EXECUTE FUNCTION store_audit_event_chain();
CREATE FUNCTION store_audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the store audit log is append-only: % on "StoreAuditEvent" is not allowed', TG_OP;
END
$fn$;

CREATE TRIGGER store_audit_event_no_update BEFORE UPDATE OR DELETE ON "StoreAuditEvent" FOR EACH ROW EXECUTE FUNCTION store_audit_event_append_only();
CREATE TRIGGER store_audit_event_no_truncate BEFORE TRUNCATE ON "StoreAuditEvent" FOR EACH STATEMENT EXECUTE FUNCTION store_audit_event_append_only();
