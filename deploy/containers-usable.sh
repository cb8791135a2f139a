#!/usr/bin/env bash
# Exit 0 if podman can run a container on this machine, else 1 with the reason on stdout. .ci/run uses
# it to skip the container stack (deploy/stack-test.sh) where containers cannot run, rather than fail.
# The probe image is made from the host's own /usr/bin/true and libc, so it needs no network or registry
# and takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=deploy/podman-env.sh
source deploy/podman-env.sh

command -v podman >/dev/null 2>&1 || { echo "podman is not installed"; exit 1; }
command -v docker-compose >/dev/null 2>&1 || { echo "docker-compose is not installed"; exit 1; }
command -v debootstrap >/dev/null 2>&1 || [[ -x /usr/sbin/debootstrap ]] || { echo "debootstrap is not installed"; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "not root (the scripts run podman as root)"; exit 1; }
# Each podman call under timeout: a wedged podman (a dead network daemon, a stuck lock) says so here
# instead of hanging CI.
timeout 60 podman info >/dev/null 2>&1 || { echo "podman info fails or hangs: $(timeout 60 podman info 2>&1 | tail -n 1)"; exit 1; }

if ! podman image exists localhost/chitchat-probe:true; then
    tar -C / -ch usr/bin/true lib64/ld-linux-x86-64.so.2 usr/lib/x86_64-linux-gnu/libc.so.6 2>/dev/null \
        | podman import - localhost/chitchat-probe:true >/dev/null 2>&1 \
        || { echo "podman cannot import an image"; exit 1; }
fi
if ! out="$(timeout 120 podman run --rm --network none localhost/chitchat-probe:true /usr/bin/true 2>&1)"; then
    echo "podman cannot run a container: $out"
    exit 1
fi
