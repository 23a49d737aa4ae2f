# syntax=docker/dockerfile:1
# The image of one app, named by the build argument APP (gateway, subjects or vitals), with the
# port it listens on. Build from the repository root, which holds the npm workspace:
#   docker build --build-arg APP=vitals --build-arg PORT=4002 -t trialgraph-vitals .
# docker-compose.yml builds each app's image this way.

# Every workspace manifest, the lockfile and the patches npm ci applies to dependencies (patches/),
# alone: npm ci checks the manifests against each other.
# This stage reruns on any change, but its output changes only with a manifest, so the
# install layers below stay cached while only code changes.
FROM node:20-slim AS manifests
WORKDIR /repo
COPY . .
RUN mkdir /manifests \
 && cp --parents package.json package-lock.json $(find patches -name "*.patch") $(find apps packages bench -maxdepth 2 -name package.json) /manifests/

FROM node:20-slim AS build
ARG APP
ENV TURBO_TELEMETRY_DISABLED=1
WORKDIR /repo
COPY --from=manifests /manifests/ ./
RUN test -f "apps/$APP/package.json" || { echo "no app named \"$APP\": build with --build-arg APP=gateway|subjects|vitals" >&2; exit 1; }
RUN npm ci --no-audit --no-fund
COPY . .
# The app and the workspace packages it depends on, nothing else.
RUN npx turbo run build --filter=@trialgraph/${APP}...
# What the process reads at run time: the built code, the SDL, and the app's migrations if it has any.
RUN mkdir /release \
 && cp -r --parents schema $(find packages -maxdepth 2 -name dist -type d) apps/$APP/dist $(find apps/$APP -maxdepth 1 -name drizzle -type d) /release/
# What node runs: the app's Node.js flags (trialgraph.nodeOptions in its package.json, vitals'
# heap budget), read from where every other launcher reads them, then its entry point.
RUN node -p "[...(require('./apps/' + process.env.APP + '/package.json').trialgraph?.nodeOptions ?? []), 'apps/' + process.env.APP + '/dist/main.js'].join(' ')" > /release/node-arguments

FROM node:20-slim AS runtime
ARG PORT
RUN test -n "$PORT" || { echo 'build with --build-arg PORT=<the port the app listens on>' >&2; exit 1; }
# A container is reached through its network interface, not its loopback (the default HOST).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=${PORT} \
    DATA_DIR=/data
WORKDIR /app
COPY --from=manifests /manifests/ ./
# Production dependencies only, owned by root: the process cannot rewrite its own code.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /release/ ./
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec: node replaces the shell as PID 1, so it receives SIGTERM itself and runs the graceful
# shutdown (SHUTDOWN_TIMEOUT_MS).
CMD exec node $(cat node-arguments)
