-- CreateEnum
CREATE TYPE "FuelLevel" AS ENUM ('EMPTY', 'QUARTER', 'HALF', 'THREE_QUARTERS', 'FULL');

-- CreateEnum
CREATE TYPE "PriceMethod" AS ENUM ('SYSTEM', 'SYMPTOM', 'ITEM');

-- CreateEnum
CREATE TYPE "PartsSource" AS ENUM ('OEM', 'AFTERMARKET', 'CUSTOMER_SUPPLIED');

-- AlterTable
ALTER TABLE "RepairOrder" ADD COLUMN     "promiseMarginMinutes" INTEGER,
ADD COLUMN     "fuelLevel" "FuelLevel",
ADD COLUMN     "walkAroundFindings" TEXT,
ADD COLUMN     "itemsLeftInCar" TEXT,
ADD COLUMN     "keyTag" TEXT,
ADD COLUMN     "priceMethod" "PriceMethod",
ADD COLUMN     "partsSource" "PartsSource",
ADD COLUMN     "receivedBy" TEXT,
ADD COLUMN     "handedOverAt" TIMESTAMP(3);
