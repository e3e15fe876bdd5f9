# syntax=docker/dockerfile:1
# The bot as a container: compiled JavaScript on Node 24, production dependencies only, run as the
# unprivileged `node` user. tests/integration/deploy/productionSmoke.test.ts runs these same steps
# (build, production-only install, `node dist/bot/index.js`) on every `npm test`.
#   docker build -t pim-bot .
#   docker run --env-file prod.env -p 3978:3978 pim-bot

ARG NODE_IMAGE=node:24-slim

# 1. Compile TypeScript to dist/ (needs the dev dependencies: typescript and the type packages).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bot ./bot
COPY dialogs ./dialogs
COPY cards ./cards
COPY services ./services
RUN npm run build

# 2. Production dependencies only, from the lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The runtime image: no compiler, no dev packages, no npm cache; code owned by root, read-only to the app.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=3978
WORKDIR /app
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
USER node
EXPOSE 3978
# Liveness only: readiness (/readyz: storage, Entra, Graph) is the platform's probe, not a restart reason.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3978}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM from the platform closes the server and the approval sweep (bot/index.ts).
CMD ["node", "dist/bot/index.js"]
