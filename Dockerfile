# syntax=docker/dockerfile:1
# One image for the worker, the API and the migrator: docker-compose.yml picks the part through
# SERVICE_LANE_ROLE (api | worker) or the command (dist/runtime/migrate.js). It runs the product compiled
# to JavaScript (`npm run build`) on the production dependencies only; the TypeScript tool chain stays in
# the build stage. tests/topology runs the same command and build on the development machine.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Generating the Prisma client needs no schema engine, but Prisma insists on finding one: a stub
# satisfies it, and with the variable set `npm ci` does not try to download the real engine either.
ENV PRISMA_SCHEMA_ENGINE_BINARY=/usr/local/bin/prisma-schema-engine-stub
RUN printf '#!/bin/sh\nexit 1\n' > "$PRISMA_SCHEMA_ENGINE_BINARY" && chmod +x "$PRISMA_SCHEMA_ENGINE_BINARY"
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npx prisma generate
COPY . .
RUN npm run build
# The worker loads its workflow code from this bundle (runtime/workflowBundle.ts) instead of bundling
# at start, which the read-only /app would not allow; made from the compiled code, as the worker hashes it.
RUN node -e "require('./dist/runtime/workflowBundle').prebuiltWorkflowBundle('data/workflow-bundles')"

FROM node:20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the app: it writes nowhere under /app.
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/data ./data
# package.json marks the root the migrator finds prisma/migrations from.
COPY package.json ./
COPY prisma/migrations ./prisma/migrations
USER node
EXPOSE 3000
# Liveness: the API's /healthz, or for a worker its own health endpoint (WORKER_HEALTH_PORT).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "const worker = process.env.SERVICE_LANE_ROLE === 'worker'; fetch('http://127.0.0.1:' + (worker ? process.env.WORKER_HEALTH_PORT || 3001 : process.env.PORT || 3000) + '/healthz').then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1));"
CMD ["node", "dist/runtime/start.js"]
