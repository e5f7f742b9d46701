# syntax=docker/dockerfile:1
# One image for the worker, the API and the migrator: docker-compose.yml picks the part through
# SERVICE_LANE_ROLE (api | worker) or the command (runtime/migrate.ts). It runs the TypeScript
# sources with tsx, a dev dependency, so the dev dependencies stay installed.

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
# The worker loads its workflow code from this bundle (runtime/workflowBundle.ts) instead of bundling
# at start, which the read-only /app would not allow.
RUN npx tsx -e "require('./runtime/workflowBundle').prebuiltWorkflowBundle('data/workflow-bundles')"

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the app: it writes nowhere under /app (tsx caches in /tmp).
COPY --from=build /app /app
USER node
EXPOSE 3000
# Liveness: the API's /healthz, or for a worker its own health endpoint (WORKER_HEALTH_PORT).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "const worker = process.env.SERVICE_LANE_ROLE === 'worker'; fetch('http://127.0.0.1:' + (worker ? process.env.WORKER_HEALTH_PORT || 3001 : process.env.PORT || 3000) + '/healthz').then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1));"
CMD ["node", "--import", "tsx", "runtime/start.ts"]
