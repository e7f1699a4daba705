# syntax=docker/dockerfile:1
# oidc-op: the provider image (target `provider`, the default) and the example app of the compose stack (`spa`).
ARG NODE_IMAGE=node:22-bookworm-slim

# Production dependencies only. argon2 ships prebuilt binaries for glibc on x64 and arm64: no compiler needed.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# Every dependency, only to lift the example app's browser library (a devDependency) out of it.
FROM ${NODE_IMAGE} AS all-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

# The server compiled to JavaScript once, here: it runs without a compiler or loader in the process (tsx's loader
# cost the process ~50 MiB).
FROM all-deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# The provider: node itself runs the compiled server, so no npm wrapper stands between the signal and node: on
# SIGTERM in-flight requests finish, Redis is closed, exit 0. (The same start command as README.md documents; a
# test keeps them equal.) The admin command line (bin/oidc-op.js) runs its TypeScript through tsx, from src.
FROM ${NODE_IMAGE} AS provider
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY --from=build /app/dist ./dist
COPY views ./views
COPY config ./config
USER node
EXPOSE 3000
# node's own fetch: the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=64", "dist/start.cjs"]

# The example single-page app on its own origin (compose service `spa`).
FROM ${NODE_IMAGE} AS spa
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=all-deps /app/node_modules/oidc-client ./node_modules/oidc-client
COPY package.json tsconfig.json ./
COPY examples/spa ./examples/spa
USER node
EXPOSE 4000
CMD ["node", "--import", "tsx", "examples/spa/serve.ts", "--host", "0.0.0.0"]

# `docker build .` without --target builds the provider.
FROM provider
