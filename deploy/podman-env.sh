# Sourced by deploy/bases.sh, deploy/images.sh and deploy/stack-test.sh: how podman runs on this
# project's machines.
#
# The machines' hard limits (20000 open files) are below podman's defaults
# (1048576 open files), and crun refuses to start a container asking for more than the hard limit, so
# every build step runs with limits that fit, and deploy/containers.conf gives every container the same
# (and the runtime that works on this machine's cgroups).
# shellcheck shell=bash disable=SC2034
CONTAINERS_CONF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/containers.conf"
export CONTAINERS_CONF
PODMAN_BUILD_OPTS=(--ulimit nofile=1024:20000 --ulimit nproc=4096:4096)
# --layers: keep intermediate layers, so an unchanged Maven step or base is not redone. Build steps
# run one at a time: the machine has 2 cores and others use them.
PODMAN_BUILD_OPTS+=(--layers --jobs 1)
# Docker's image format, not OCI's: OCI has no HEALTHCHECK, and podman drops it from an OCI image (with
# only a warning), so no container would ever turn healthy and compose's depends_on would not wait.
PODMAN_BUILD_OPTS+=(--format docker)
