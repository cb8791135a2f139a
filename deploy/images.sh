#!/usr/bin/env bash
# Builds the three images (auth, chat, web) with podman, from the Dockerfiles as they are, tagged as
# docker-compose.yml names them: chitchat-auth:local, chitchat-chat:local, chitchat-web:local.
#
# The Dockerfiles' base images are build arguments whose defaults are the registry images a user's
# `docker compose build` pulls. Where no registry is reachable (BASES=local, the default here: this
# project's machines reach none), they point at the stand-ins deploy/bases.sh makes once; the recipe
# after FROM is the same either way.
#
# Usage: deploy/images.sh [auth|chat|web ...]      (default: all three; `make images`)
# Env:   BASES=local|registry, TAG (default local).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=deploy/podman-env.sh
source deploy/podman-env.sh

BASES="${BASES:-local}"
TAG="${TAG:-local}"
images=("$@")
(( ${#images[@]} )) || images=(auth chat web)

base_args=()
if [[ "$BASES" == local ]]; then
    deploy/bases.sh
    base_args=(--build-arg BUILD_IMAGE=localhost/chitchat-base/maven:3.9-temurin-25
               --build-arg RUNTIME_IMAGE=localhost/chitchat-base/runtime:nonroot
               --build-arg NGINX_IMAGE=localhost/chitchat-base/nginx:unprivileged)
fi

for image in "${images[@]}"; do
    case "$image" in
        auth) dockerfile=auth-server/Dockerfile ;;
        chat) dockerfile=chat-server/Dockerfile ;;
        web)  dockerfile=deploy/nginx/Dockerfile ;;
        *) echo "images: unknown image '$image' (auth, chat, web)" >&2; exit 2 ;;
    esac
    start=$SECONDS
    podman build "${PODMAN_BUILD_OPTS[@]}" "${base_args[@]}" -f "$dockerfile" -t "chitchat-$image:$TAG" .
    echo "images: chitchat-$image:$TAG built in $((SECONDS - start)) s"
done
podman image ls --filter 'reference=chitchat-*' --filter 'reference=localhost/chitchat-*'
