-- AlterTable
ALTER TABLE "Vehicle" ADD COLUMN     "salePriceCny" DECIMAL(12,2);
