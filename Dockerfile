# One image for every Jobledger process. It has no default workload: each deployment
# (docker-compose.yml, the Helm chart) sets its own command, for example
#   node services/query/dist/main.js        an HTTP service
#   node services/query/dist/migrate.js     that service's migrations, then exit
#   node libs/kafka/dist/bin/create-topics.js
# Plain Dockerfile syntax (no BuildKit-only flags) so that docker-compose 1.29's
# classic builder and BuildKit both build it.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

# Only the manifests, laid out as in the repo. Later stages copy this folder, so editing
# source code does not invalidate their cached `npm ci` layers.
FROM base AS manifests
COPY . /src
RUN mkdir /manifests \
 && cd /src \
 && find . -maxdepth 3 \( -name package.json -o -name package-lock.json -o -name .npmrc \) \
      -not -path './node_modules/*' -not -path '*/node_modules/*' -not -path './deploy/*' \
    | tar -cf - -T - | tar -xf - -C /manifests

# Every dependency, for the build.
FROM base AS deps
COPY --from=manifests /manifests ./
RUN npm ci

# `npm run build` = nx run-many -t build: each project compiles into its own dist/.
FROM deps AS build
COPY . .
RUN npm run build \
 && mkdir /dist-out \
 && find libs services tools tests -mindepth 2 -maxdepth 2 -type d -name dist \
    | tar --exclude='*.tsbuildinfo' -cf - -T - | tar -xf - -C /dist-out

# Production dependencies only; install scripts are off (no production dependency has one).
FROM base AS prod-deps
COPY --from=manifests /manifests ./
RUN npm ci --omit=dev --ignore-scripts

FROM base AS runtime
ENV NODE_ENV=production
LABEL org.opencontainers.image.title="jobledger" \
      org.opencontainers.image.description="Jobledger services (submission, scheduling, execution, query, gateway), migrations and topic tooling"
# Files stay owned by root and read-only for the runtime user.
COPY --from=prod-deps /app ./
COPY --from=build /dist-out ./
# uid/gid 1000 is the `node` user of the base image; numeric so that Kubernetes'
# runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080 8081 8082 8083 8084
CMD ["node", "-e", "console.error('jobledger: no command given. Run e.g. node services/<submission|scheduling|execution|query|gateway>/dist/main.js, node services/<service>/dist/migrate.js or node libs/kafka/dist/bin/create-topics.js'); process.exit(64)"]
