-- AlterTable
ALTER TABLE "Store" ADD COLUMN     "setupVersion" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ServicePlan" ADD COLUMN     "version" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Bay" ADD COLUMN     "removedAt" TIMESTAMP(3),
ADD COLUMN     "removedBy" TEXT;

-- Versions of reference data every process caches (hand-written; Prisma does not model triggers). Any
-- change — a set-up command, the settings command, a seed, an edit in the database — stamps the store
-- (or the service plan) with its own transaction id, inside that transaction. A cache compares the stamp
-- with the one it loaded at: one primary-key read instead of a time to live, so no process works on a
-- stale plan. A transaction id is never reused, so a plan read inside a transaction that then rolled
-- back cannot be mistaken for a committed one.
CREATE FUNCTION store_setup_stamp() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW."setupVersion" := txid_current();
  RETURN NEW;
END
$fn$;

CREATE TRIGGER store_setup_stamp BEFORE INSERT OR UPDATE ON "Store" FOR EACH ROW EXECUTE FUNCTION store_setup_stamp();

CREATE FUNCTION store_setup_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- Once per store and transaction: seeding eight bays stamps the store once.
  IF TG_OP <> 'INSERT' THEN
    UPDATE "Store" SET "setupVersion" = txid_current() WHERE "id" = OLD."storeId" AND "setupVersion" <> txid_current();
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE "Store" SET "setupVersion" = txid_current() WHERE "id" = NEW."storeId" AND "setupVersion" <> txid_current();
  END IF;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER store_opening_hours_changed AFTER INSERT OR UPDATE OR DELETE ON "StoreOpeningHours" FOR EACH ROW EXECUTE FUNCTION store_setup_changed();
CREATE TRIGGER store_holiday_changed AFTER INSERT OR UPDATE OR DELETE ON "StoreHoliday" FOR EACH ROW EXECUTE FUNCTION store_setup_changed();
CREATE TRIGGER bay_changed AFTER INSERT OR UPDATE OR DELETE ON "Bay" FOR EACH ROW EXECUTE FUNCTION store_setup_changed();
CREATE TRIGGER technician_changed AFTER INSERT OR UPDATE OR DELETE ON "Technician" FOR EACH ROW EXECUTE FUNCTION store_setup_changed();
CREATE TRIGGER job_type_changed AFTER INSERT OR UPDATE OR DELETE ON "JobType" FOR EACH ROW EXECUTE FUNCTION store_setup_changed();

CREATE FUNCTION service_plan_stamp() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW."version" := txid_current();
  RETURN NEW;
END
$fn$;

CREATE TRIGGER service_plan_stamp BEFORE INSERT OR UPDATE ON "ServicePlan" FOR EACH ROW EXECUTE FUNCTION service_plan_stamp();

CREATE FUNCTION service_plan_parts_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE "ServicePlan" SET "version" = txid_current() WHERE "id" = OLD."servicePlanId" AND "version" <> txid_current();
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE "ServicePlan" SET "version" = txid_current() WHERE "id" = NEW."servicePlanId" AND "version" <> txid_current();
  END IF;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER service_plan_part_changed AFTER INSERT OR UPDATE OR DELETE ON "ServicePlanPart" FOR EACH ROW EXECUTE FUNCTION service_plan_parts_changed();
