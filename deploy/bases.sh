#!/usr/bin/env bash
# Local stand-ins for the registry images the Dockerfiles and docker-compose.yml name, for machines that
# reach no image registry (this project's CI: no docker.io, gcr.io or quay.io), built with podman only
# when `podman image exists` says one is missing, so a second run costs nothing:
#
#   localhost/debian:bookworm                    debootstrap --variant=minbase from deb.debian.org
#   localhost/chitchat-base/maven:3.9-temurin-25 for maven:3.9-eclipse-temurin-25: this machine's Temurin
#                                                25 JDK (the same distribution) and Apache Maven 3.9 from
#                                                Maven Central
#   localhost/chitchat-base/runtime:nonroot      for gcr.io/distroless/base-nossl-debian12:nonroot: Debian
#                                                12 with user 65532 "nonroot" (it has a shell and dpkg, which
#                                                distroless has not: the images' sizes differ by that base)
#   localhost/chitchat-base/nginx:unprivileged   for nginxinc/nginx-unprivileged:1.28-alpine: Debian's nginx
#                                                (1.22) and wget, uid 101, nothing written outside /tmp
#   localhost/chitchat-base/redis:7              for redis:7.2-alpine: Debian's redis-server (7.0)
#
# Usage: deploy/bases.sh            (root, podman, debootstrap; deploy/images.sh calls it)
# Env:   JDK_DIR (default /usr/lib/jvm/temurin-25-jdk-amd64), MAVEN_VERSION (3.9.9), DEBIAN_MIRROR.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=deploy/podman-env.sh
source deploy/podman-env.sh

JDK_DIR="${JDK_DIR:-/usr/lib/jvm/temurin-25-jdk-amd64}"
MAVEN_VERSION="${MAVEN_VERSION:-3.9.9}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

work="$(mktemp -d /var/tmp/chitchat-bases.XXXXXX)"
trap 'rm -rf "$work"' EXIT

have() { podman image exists "$1"; }
timed() { # timed NAME COMMAND...: runs it and says how long it took (docs/DEPLOY.md quotes these)
    local name="$1" start=$SECONDS; shift
    "$@"
    echo "bases: $name built in $((SECONDS - start)) s"
}

debian() {
    debootstrap --variant=minbase bookworm "$work/rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 30 "$work/debootstrap.log"; return 1; }
    # apt's caches and lists are no use in an image (every build runs apt-get update itself).
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
    tar -C "$work/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - localhost/debian:bookworm >/dev/null
    rm -rf "$work/rootfs"
}

maven() {
    mkdir -p "$work/maven"
    # A copy, not a bind mount: the build context must hold what the image gets. -L: a packaged JDK's
    # links point outside it (Debian's Temurin has lib/security/cacerts -> /etc/ssl/certs/java/cacerts,
    # without which Maven reaches no https repository: "trustAnchors parameter must be non-empty").
    cp -rL "$JDK_DIR" "$work/maven/jdk"
    curl -fsSL -o "$work/maven/maven.tar.gz" \
        "https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/$MAVEN_VERSION/apache-maven-$MAVEN_VERSION-bin.tar.gz"
    podman build "${PODMAN_BUILD_OPTS[@]}" -t localhost/chitchat-base/maven:3.9-temurin-25 -f - "$work/maven" <<'EOF'
FROM localhost/debian:bookworm
# binutils: jlink --strip-debug runs objcopy on the native libraries (eclipse-temurin installs it
# for that reason too).
RUN apt-get update && apt-get install -y --no-install-recommends binutils && rm -rf /var/lib/apt/lists/*
COPY jdk /opt/java/openjdk
ADD maven.tar.gz /opt/
RUN ln -s /opt/apache-maven-* /opt/maven
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/opt/maven/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOF
    rm -rf "$work/maven"
}

runtime() {
    podman build "${PODMAN_BUILD_OPTS[@]}" -t localhost/chitchat-base/runtime:nonroot -f - "$work" <<'EOF'
FROM localhost/debian:bookworm
# distroless's "nonroot" user and group, same ids; its /tmp is 1777 like Debian's.
RUN groupadd -g 65532 nonroot && useradd -u 65532 -g 65532 -d /home/nonroot -m -s /usr/sbin/nologin nonroot
USER 65532:65532
EOF
}

nginx_base() {
    podman build "${PODMAN_BUILD_OPTS[@]}" -t localhost/chitchat-base/nginx:unprivileged -f - "$work" <<'EOF'
FROM localhost/debian:bookworm
# nginx-light has every module nginx.conf uses (proxy, map, upstream); wget is what the web image's
# HEALTHCHECK runs, as busybox's does in the Alpine image.
RUN apt-get update && apt-get install -y --no-install-recommends nginx-light wget \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
    && groupadd -g 101 nginx && useradd -u 101 -g 101 -d /nonexistent -M -s /usr/sbin/nologin nginx
USER 101
EOF
}

redis_base() {
    # The official image is compiled with protected mode off (it is reached over the container network,
    # not loopback); Debian's redis-server has it on, so this wrapper, first in PATH, turns it off for the
    # compose file's `redis-server --save "" ...` command as it stands.
    printf '#!/bin/sh\nexec /usr/bin/redis-server "$@" --protected-mode no\n' >"$work/redis-server"
    podman build "${PODMAN_BUILD_OPTS[@]}" -t localhost/chitchat-base/redis:7 -f - "$work" <<'EOF'
FROM localhost/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/*
COPY --chmod=755 redis-server /usr/local/bin/redis-server
WORKDIR /data
USER redis
CMD ["redis-server"]
EOF
}

have localhost/debian:bookworm || timed debian debian
have localhost/chitchat-base/maven:3.9-temurin-25 || timed maven maven
have localhost/chitchat-base/runtime:nonroot || timed runtime runtime
have localhost/chitchat-base/nginx:unprivileged || timed nginx nginx_base
have localhost/chitchat-base/redis:7 || timed redis redis_base
echo "bases: ready"
