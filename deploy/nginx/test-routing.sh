#!/usr/bin/env bash
# Runs deploy/nginx/nginx.conf, as it is, with Debian's nginx in front of one auth-server and two
# chat-servers on loopback, and checks that it routes as the contract says:
#
#   - the static client is served with the security headers (CSP, nosniff, Referrer-Policy), as the dev
#     server serves it: text gzipped, Cache-Control: no-cache, an ETag and Last-Modified answered 304;
#   - POST /api/auth/signup reaches the auth-server and sets the session cookie;
#   - /api/auth/me, /api/users (auth) and /api/messages (chat) answer 200 JSON through nginx;
#   - /api/conversations, /api/conversations/ and paths under it (contract v2) are proxied to a chat
#     replica (nginx's access log names the upstream), while /api/conversationsX is nginx's JSON 404;
#   - /ws upgrades (101) through nginx to both chat replicas, and a message sent on one reaches
#     connections on both (the replicas share a real redis-server);
#   - a WebSocket handshake with a foreign Origin is refused (nginx passes Origin through).
#
# Only upstreams.conf and origin.conf (addresses, port, static root) are replaced; every other file
# of deploy/nginx/ is used unchanged. One embedded store (EmbeddedMongoMain) is shared by the three
# services through MONGO_URI, as a real MongoDB would be.
#
# Usage: deploy/nginx/test-routing.sh [AUTH_JAR [CHAT_JAR]]
#        (default: auth-server/target/auth-server.jar and chat-server/target/chat-server.jar)
# Needs: nginx, redis-server, node, curl, and a JDK 21+ (24+ preferred; JAVA_HOME or /usr/lib/jvm).
# Runs unprivileged (no root needed), binds 127.0.0.1 only, stops everything it started on exit,
# and ends with "N passed, N failed" (exit 1 when anything failed). KEEP_TMP=1 keeps the logs.

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
auth_jar="${1:-$root/auth-server/target/auth-server.jar}"
chat_jar="${2:-$root/chat-server/target/chat-server.jar}"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+ - $2}"; }
check() { # check NAME CONDITION-COMMAND... : PASS when the command succeeds
    local name="$1"; shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

# --- tools -------------------------------------------------------------------------------------

missing=()
# Debian installs nginx under /usr/sbin, which an unprivileged PATH may lack.
nginx_bin="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"
[[ -x "$nginx_bin" ]] || missing+=(nginx)
for tool in redis-server node curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done

# The newest JDK 21+ around: JAVA_HOME, then /usr/lib/jvm, then PATH. The services run best on 24+
# (virtual threads are not pinned by the JDK HttpServer's locks there; see shared pitfalls).
java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
java_bin=""
best=0
for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/*/bin/java "$(command -v java 2>/dev/null || true)"; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    major="$(java_major "$candidate")"
    if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 21 && major > best )); then
        best="$major"
        java_bin="$candidate"
    fi
done
[[ -n "$java_bin" ]] || missing+=("java (JDK 21+)")

if (( ${#missing[@]} > 0 )); then
    echo "test-routing: missing tools: ${missing[*]} (scripts/install-lint-tools.sh installs them)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
for jar in "$auth_jar" "$chat_jar"; do
    if [[ ! -f "$jar" ]]; then
        echo "test-routing: $jar not found: build the jars first (make build)" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
done
echo "test-routing: java $best ($java_bin), $("$nginx_bin" -v 2>&1), $(redis-server --version | cut -d' ' -f3)"

# --- processes ---------------------------------------------------------------------------------

tmp="$(mktemp -d "${TMPDIR:-/tmp}/chitchat-routing.XXXXXX")"
chmod 755 "$tmp" # nginx workers may run as another user when the test runs as root
pids=()

cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        (( alive )) || break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    if (( failed > 0 )) || [[ "${KEEP_TMP:-}" == 1 ]]; then
        echo "test-routing: logs kept in $tmp" >&2
    else
        rm -rf "$tmp"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free loopback ports, chosen by the kernel (a tiny window of reuse is acceptable for a test).
read -r p_nginx p_redis p_store p_auth p_c1_http p_c1_ws p_c2_http p_c2_ws < <(node -e '
  const net = require("net");
  const servers = Array.from({ length: 8 }, () => net.createServer());
  Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", ok))))
    .then(() => { console.log(servers.map((s) => s.address().port).join(" ")); servers.forEach((s) => s.close()); });')

origin="http://127.0.0.1:$p_nginx"
jwt_secret="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"

start() { # start NAME COMMAND...: runs it in the background, output in $tmp/NAME.log
    local name="$1"; shift
    "$@" >"$tmp/$name.log" 2>&1 &
    pids+=("$!")
}

start redis redis-server --port "$p_redis" --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes
start store "$java_bin" -cp "$auth_jar" chitchat.store.EmbeddedMongoMain --port "$p_store" --data-dir "$tmp/store"

service_env=(
    "MONGO_URI=mongodb://127.0.0.1:$p_store" "MONGO_DB=chitchat_routing"
    "JWT_SECRET=$jwt_secret" "APP_ENV=production" "ALLOWED_ORIGINS=$origin"
    "COOKIE_SECURE=false" "TRUST_PROXY=true" "BCRYPT_COST=10" "SIGNUP_MAX_PER_ADDRESS=1000"
)
start auth env "${service_env[@]}" "DATA_DIR=$tmp/auth" "HTTP_PORT=$p_auth" \
    "$java_bin" -jar "$auth_jar"
start chat1 env "${service_env[@]}" "DATA_DIR=$tmp/chat1" "HTTP_PORT=$p_c1_http" "WS_PORT=$p_c1_ws" \
    "REDIS_URL=redis://127.0.0.1:$p_redis" "$java_bin" -jar "$chat_jar"
start chat2 env "${service_env[@]}" "DATA_DIR=$tmp/chat2" "HTTP_PORT=$p_c2_http" "WS_PORT=$p_c2_ws" \
    "REDIS_URL=redis://127.0.0.1:$p_redis" "$java_bin" -jar "$chat_jar"

# The config under test: every file of deploy/nginx/ as it is, but for where the services are
# (upstreams.conf) and where nginx listens and finds the static files (origin.conf).
static_root="$root/static-client"
if [[ ! -f "$static_root/index.html" ]]; then
    static_root="$tmp/static"
    mkdir -p "$static_root"
    printf '<!doctype html><title>Chit-Chat</title>\n' >"$static_root/index.html"
    echo "test-routing: note: static-client/index.html not found, serving a placeholder page"
fi
conf="$tmp/nginx/conf"
mkdir -p "$conf" "$tmp/nginx/prefix"
cp "$here"/*.conf "$here/mime.types" "$conf/"
cat >"$conf/upstreams.conf" <<EOF
upstream auth { server 127.0.0.1:$p_auth; keepalive 4; }
upstream chat_http { server 127.0.0.1:$p_c1_http; server 127.0.0.1:$p_c2_http; keepalive 4; }
upstream chat_ws { zone chat_ws 64k; least_conn; server 127.0.0.1:$p_c1_ws; server 127.0.0.1:$p_c2_ws; }
EOF
cat >"$conf/origin.conf" <<EOF
listen 127.0.0.1:$p_nginx;
root $static_root;
EOF
nginx_args=(-p "$tmp/nginx/prefix/" -c "$conf/nginx.conf" -e "$tmp/nginx/error.log")
if "$nginx_bin" -t -q "${nginx_args[@]}" >"$tmp/nginx-t.log" 2>&1; then
    pass "nginx -t accepts deploy/nginx/nginx.conf"
else
    fail "nginx -t accepts deploy/nginx/nginx.conf" "$(tail -n 3 "$tmp/nginx-t.log")"
fi
# Access lines go to nginx's stdout (access_log /dev/stdout), i.e. to nginx.log.
start nginx "$nginx_bin" "${nginx_args[@]}" -g 'daemon off;'

wait_for() { # wait_for NAME URL: until it answers 200, at most 60 s
    local deadline=$((SECONDS + 60))
    until curl -fsS -o /dev/null -m 2 "$2" 2>/dev/null; do
        if (( SECONDS >= deadline )); then
            fail "$1 is up" "no 200 from $2 in 60 s; last log lines: $(tail -n 5 "$tmp/$1.log" | tr '\n' ' ')"
            return 1
        fi
        sleep 0.3
    done
}
up=1
wait_for auth "http://127.0.0.1:$p_auth/healthz" || up=0
wait_for chat1 "http://127.0.0.1:$p_c1_http/healthz" || up=0
wait_for chat2 "http://127.0.0.1:$p_c2_http/healthz" || up=0
wait_for nginx "$origin/healthz" || up=0
if (( ! up )); then
    echo "$passed passed, $failed failed"
    exit 1
fi
pass "redis, store, auth-server, two chat-servers and nginx are up"

# --- HTTP checks -------------------------------------------------------------------------------

# The policy nginx must send is the one its config holds, which PageHeadersTest keeps equal to the dev
# server's (launcher/.../PageHeaders.java): read from there, not written a third time.
csp="$(sed -n 's/^add_header Content-Security-Policy "\(.*\)" always;$/\1/p' "$here/security-headers.conf")"
[[ -n "$csp" ]] || { echo "no Content-Security-Policy in $here/security-headers.conf" >&2; exit 1; }
header() { # header FILE NAME: the value of a response header (last one wins), without CR
    { grep -i "^$2:" "$1" 2>/dev/null || true; } | tail -n 1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}
status_of() { { head -n 1 "$1" 2>/dev/null || true; } | cut -d' ' -f2; }

curl -sS -m 5 -D "$tmp/index.h" -o "$tmp/index.html" "$origin/" || true
check "GET / serves the static client (200 text/html)" \
    test "$(status_of "$tmp/index.h")" = 200 -a "$(header "$tmp/index.h" Content-Type | cut -d';' -f1)" = text/html
check "static: Content-Security-Policy is security-headers.conf's" test "$(header "$tmp/index.h" Content-Security-Policy)" = "$csp"
check "static: X-Content-Type-Options: nosniff" test "$(header "$tmp/index.h" X-Content-Type-Options)" = nosniff
check "static: Referrer-Policy: no-referrer" test "$(header "$tmp/index.h" Referrer-Policy)" = no-referrer
check "static: X-Frame-Options: DENY" test "$(header "$tmp/index.h" X-Frame-Options)" = DENY
curl -sS -m 5 -D "$tmp/missing.h" -o /dev/null "$origin/no-such-file.js" || true
check "static: a missing file is 404 and still carries the CSP" \
    test "$(status_of "$tmp/missing.h")" = 404 -a "$(header "$tmp/missing.h" Content-Security-Policy)" = "$csp"

# As the dev server does (StaticFiles.java): text gzipped, no-cache with an ETag, and a 304 for a file the
# browser has (by its ETag or its date). store.js is big enough to be compressed; the real client is needed.
if [[ -f "$static_root/js/store.js" ]]; then
    curl -sS -m 5 -D "$tmp/store.h" -o "$tmp/store.js.gz" -H 'Accept-Encoding: gzip' "$origin/js/store.js" || true
    check "static: text is gzipped for a client that takes gzip (Content-Encoding, Vary)" \
        test "$(header "$tmp/store.h" Content-Encoding)" = gzip -a "$(header "$tmp/store.h" Vary)" = Accept-Encoding
    check "static: the gzipped body is the file" cmp -s <(gzip -dc "$tmp/store.js.gz") "$static_root/js/store.js"
    check "static: app files are Cache-Control: no-cache" test "$(header "$tmp/store.h" Cache-Control)" = no-cache
    etag="$(header "$tmp/store.h" ETag)"
    last_modified="$(header "$tmp/store.h" Last-Modified)"
    check "static: an ETag and a Last-Modified" test -n "$etag" -a -n "$last_modified"
    curl -sS -m 5 -D "$tmp/store-etag.h" -o "$tmp/store-etag.body" -H 'Accept-Encoding: gzip' \
        -H "If-None-Match: $etag" "$origin/js/store.js" || true
    check "static: If-None-Match with the ETag is 304, no body, security headers kept" \
        test "$(status_of "$tmp/store-etag.h")" = 304 -a ! -s "$tmp/store-etag.body" \
        -a "$(header "$tmp/store-etag.h" Content-Security-Policy)" = "$csp"
    curl -sS -m 5 -D "$tmp/store-date.h" -o /dev/null -H "If-Modified-Since: $last_modified" "$origin/js/store.js" || true
    check "static: If-Modified-Since with its date is 304" test "$(status_of "$tmp/store-date.h")" = 304
    curl -sS -m 5 -D "$tmp/store-plain.h" -o "$tmp/store.js" "$origin/js/store.js" || true
    check "static: a client without gzip gets the file as it is" \
        test -z "$(header "$tmp/store-plain.h" Content-Encoding)" -a "$(wc -c <"$tmp/store.js")" = "$(wc -c <"$static_root/js/store.js")"
    curl -sS -m 5 -D "$tmp/sw.h" -o /dev/null "$origin/sw.js" || true
    check "static: the offline shell's worker (sw.js) is JavaScript, no-cache" \
        test "$(status_of "$tmp/sw.h")" = 200 -a "$(header "$tmp/sw.h" Content-Type)" = text/javascript \
        -a "$(header "$tmp/sw.h" Cache-Control)" = no-cache
fi

suffix="$RANDOM$RANDOM"
alice="alice$suffix"
bob="bob$suffix"
signup() { # signup USER JAR: POST /api/auth/signup through nginx, headers to $tmp/signup-USER.h
    curl -sS -m 10 -D "$tmp/signup-$1.h" -o "$tmp/signup-$1.json" -c "$2" \
        -H "Origin: $origin" -H 'Content-Type: application/json' \
        --data "{\"username\":\"$1\",\"password\":\"correct horse battery\"}" "$origin/api/auth/signup" || true
}
signup "$alice" "$tmp/alice.jar"
signup "$bob" "$tmp/bob.jar"
check "POST /api/auth/signup through nginx: 201" test "$(status_of "$tmp/signup-$alice.h")" = 201
set_cookie="$(header "$tmp/signup-$alice.h" Set-Cookie)"
is_session_cookie() { [[ "$1" == token=* && "$1" == *HttpOnly* ]]; }
check "signup sets the HttpOnly token cookie" is_session_cookie "$set_cookie"
check "a second signup through nginx: 201" test "$(status_of "$tmp/signup-$bob.h")" = 201

get_json() { # get_json NAME PATH JAR: GET through nginx with the cookie jar; PASS on 200 JSON
    local out="$tmp/get-$RANDOM"
    curl -sS -m 5 -D "$out.h" -o "$out.json" -b "$3" -H "Origin: $origin" "$origin$2" || true
    if [[ "$(status_of "$out.h")" == 200 && "$(header "$out.h" Content-Type)" == application/json* ]]; then
        pass "$1"
        last_body="$(cat "$out.json")"
    else
        fail "$1" "status $(status_of "$out.h"), body $(head -c 200 "$out.json")"
        last_body=""
    fi
}
last_body=""
get_json "GET /api/auth/me through nginx: 200 JSON" /api/auth/me "$tmp/alice.jar"
check "/api/auth/me names the signed-up user" grep -q "\"$alice\"" <<<"$last_body"
get_json "GET /api/users through nginx (auth): 200 JSON" /api/users "$tmp/alice.jar"
check "/api/users lists the other user" grep -q "\"$bob\"" <<<"$last_body"
get_json "GET /api/messages?with= through nginx (chat): 200 JSON" "/api/messages?with=$bob" "$tmp/alice.jar"

curl -sS -m 5 -o /dev/null -D "$tmp/unknown.h" "$origin/api/nope" || true
check "an unknown /api/ path is a JSON 404 from nginx" \
    test "$(status_of "$tmp/unknown.h")" = 404 -a "$(header "$tmp/unknown.h" Content-Type)" = application/json

# Contract v2's /api/conversations[/...]. The check is where nginx sent the request, not what came
# back, so it holds before and after the chat-server serves these paths (a v1 chat-server answers
# 404 itself). Each request carries a unique query, so its access line is found by its request line.
upstream_of() { # upstream_of METHOD PATH: upstream= of nginx's access line for it ("-": nginx answered)
    local line="" _
    for _ in $(seq 1 20); do # the line is written as the response ends: allow it a moment
        line="$({ grep -F "\"$1 $2 HTTP/1.1\"" "$tmp/nginx.log" 2>/dev/null || true; } | tail -n 1)"
        [[ -n "$line" ]] && break
        sleep 0.1
    done
    sed -n 's/.* upstream=\([^ ]*\) ustatus=.*/\1/p' <<<"$line" | tr -d ','
}
is_chat_http() { [[ "$1" == "127.0.0.1:$p_c1_http" || "$1" == "127.0.0.1:$p_c2_http" ]]; }
probe() { # probe METHOD PATH [JSON-BODY]: sends it through nginx as alice; prints the upstream
    local path="$2?probe=$RANDOM$RANDOM" body=()
    [[ -n "${3:-}" ]] && body=(-H 'Content-Type: application/json' --data "$3")
    curl -sS -m 5 -o /dev/null -X "$1" -b "$tmp/alice.jar" -H "Origin: $origin" "${body[@]}" "$origin$path" || true
    upstream_of "$1" "$path"
}
for path in /api/conversations /api/conversations/ /api/conversations/0123456789abcdef01234567/messages; do
    check "GET $path is proxied to a chat-server HTTP port" is_chat_http "$(probe GET "$path")"
done
check "POST /api/conversations is proxied to a chat-server HTTP port" \
    is_chat_http "$(probe POST /api/conversations '{}')"
check "GET /api/conversationsX is not proxied (nginx answers)" test "$(probe GET /api/conversationsX)" = "-"
curl -sS -m 5 -o /dev/null -D "$tmp/conversationsx.h" "$origin/api/conversationsX" || true
check "GET /api/conversationsX is the unknown-API JSON 404" \
    test "$(status_of "$tmp/conversationsx.h")" = 404 -a "$(header "$tmp/conversationsx.h" Content-Type)" = application/json

# --- WebSocket checks --------------------------------------------------------------------------

cookie_of() { awk '$6 == "token" { print "token=" $7 }' "$1"; }
while IFS= read -r line; do
    case "$line" in
        PASS\ *) pass "${line#PASS }" ;;
        FAIL\ *) fail "${line#FAIL }" ;;
        *) echo "$line" ;;
    esac
done < <(timeout 30 node "$here/ws-probe.mjs" "$p_nginx" "$origin" \
    "$(cookie_of "$tmp/alice.jar")" "$(cookie_of "$tmp/bob.jar")" "$bob" 2>&1 || echo "FAIL ws-probe ended abnormally")

get_json "GET /api/messages?with= after the WebSocket message: 200 JSON" "/api/messages?with=$bob" "$tmp/alice.jar"
check "the message sent over /ws is in the history" grep -q 'hello through nginx' <<<"$last_body"

# nginx writes a WebSocket's access line when it closes: give the probe's closes a moment.
sleep 1
ws_lines="$(grep '"GET /ws HTTP/1.1" 101' "$tmp/nginx.log" || true)"
check "nginx upgraded /ws to chat replica 1 (access log)" grep -q "upstream=127.0.0.1:$p_c1_ws" <<<"$ws_lines"
check "nginx upgraded /ws to chat replica 2 (access log)" grep -q "upstream=127.0.0.1:$p_c2_ws" <<<"$ws_lines"

echo "$passed passed, $failed failed"
(( failed == 0 ))
