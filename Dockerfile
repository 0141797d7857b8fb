# DeskTrust image: production dependencies installed by npm from package-lock.json (the
# lockfile this project keeps), run by the official Bun image.

FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev leaves out the `bun` npm package and the build/test tools: the runtime image
# below already is Bun. `npm install` (not `npm ci`) because the lockfile does not list the
# other platforms' optional Biome binaries, which `npm ci` insists on; the locked versions of
# everything installed here are still used.
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund

FROM oven/bun:1 AS app
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
COPY --from=deps /app/node_modules ./node_modules
# Everything else (server, views, migrations, plugins); .dockerignore keeps node_modules and data out.
COPY . .
RUN mkdir -p /data && chown bun:bun /data
USER bun
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:3000/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Bun receives SIGTERM directly (exec form), so `docker stop` shuts down gracefully.
CMD ["bun", "server/main.ts"]
