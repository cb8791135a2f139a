#!/usr/bin/env bash
# Installs what deploy/bases.sh, deploy/images.sh and deploy/stack-test.sh need, if missing: podman
# (with runc: this machine kind's cgroups defeat crun, see deploy/containers.conf), its networking
# (netavark, aardvark-dns for the compose service names, and iptables, which netavark runs to set up a
# container's network: without it every build step fails "netavark: No such file or directory"),
# docker-compose (Debian's 1.29, spoken to through podman's Docker API) and debootstrap for the local base images. Only as root with apt;
# otherwise it says what is missing and exits 0 (deploy/containers-usable.sh then says why it skips).
set -euo pipefail

need=()
for tool in podman runc docker-compose debootstrap netavark; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" || -x "/usr/lib/podman/$tool" ]] || need+=("$tool")
done
[[ -x /usr/lib/podman/aardvark-dns ]] || need+=(aardvark-dns)
command -v iptables >/dev/null 2>&1 || [[ -x /usr/sbin/iptables ]] || need+=(iptables)
(( ${#need[@]} )) || exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing container tools: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # --no-install-recommends: docker-compose would otherwise bring a Docker engine (docker.io) that
    # nothing here starts.
    apt-get install -y -qq --no-install-recommends "${need[@]}" conmon uidmap slirp4netns fuse-overlayfs \
        catatonit >/dev/null
else
    echo "Missing container tools: ${need[*]} (install them with apt-get as root)" >&2
fi
