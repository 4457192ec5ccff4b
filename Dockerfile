# Dockerfile - an EXAMPLE image for fandns. UNTESTED: the machine fandns is developed on has no
# Docker daemon, so this has never been built there; test/unit/deploy checks its instructions and
# that deploy/docker/fandns.conf loads. Build and run:
#   docker build -t fandns .
#   docker run -d --name fandns -p 127.0.0.1:53:53/udp -p 127.0.0.1:53:53/tcp fandns
#
# fandns runs as the image's unprivileged user `node` and still binds port 53: Docker (20.10 and
# later) sets net.ipv4.ip_unprivileged_port_start=0 inside a container's own network namespace.
# With another runtime, or --network host, add `--sysctl net.ipv4.ip_unprivileged_port_start=53`
# (own network namespace only) or listen on a high port (port= in the config) and publish it as 53.

FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund --ignore-scripts && npx tsc -p tsconfig.json

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /opt/fandns
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/src ./dist/src
COPY deploy/docker/fandns.conf /etc/fandns.conf
USER node
EXPOSE 53/udp 53/tcp 9153/tcp
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9153/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/opt/fandns/dist/src/cli.js"]
CMD ["-C", "/etc/fandns.conf"]
