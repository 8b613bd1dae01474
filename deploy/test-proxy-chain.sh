#!/usr/bin/env bash
# Two proxies in a row, as in production, on this host's loopback addresses:
#   client → TLS proxy (a plain nginx configured like the one in docs/deployment.md, connecting
#   from 127.0.0.5) → our nginx (deploy/nginx/nginx.conf, OUTER_PROXIES=127.0.0.5) → the backend
#   (TRUSTED_PROXIES=127.0.0.1: our nginx alone).
# Failed logins against a budget of 3 per address show that clients behind the TLS proxy keep
# their own budgets, and that no client picks its address by sending X-Forwarded-For, whether
# through the TLS proxy or straight to our nginx.
# Needs nginx, curl, python3 and a built backend (YOSHIKOSAN_BIN, default target/debug/yoshikosan).
set -uo pipefail
cd "$(dirname "$0")/.."

source deploy/checks.sh

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

bin=$(realpath -m "${YOSHIKOSAN_BIN:-target/debug/yoshikosan}")
if [ ! -x "$bin" ]; then
    echo "no backend at $bin: cargo build -p yoshikosan-api, or set YOSHIKOSAN_BIN"
    exit 1
fi
budget=3
tls_proxy=127.0.0.5
backend_port=$(free_port)
nginx_port=$(free_port)
tls_port=$(free_port)

printf -- '--> backend (%s failures per address), nginx believing %s, the TLS proxy\n' "$budget" "$tls_proxy"
# In memory (no REDIS_URL), so no other run's counts leak in; the per-email limit is out of reach.
(cd "$work" && exec env APP_ENV=development HOST=127.0.0.1 PORT="$backend_port" \
    DATABASE_URL="sqlite://$work/chain.db?mode=rwc" BCRYPT_COST=4 LOG_FORMAT=json REDIS_URL= \
    TRUSTED_PROXIES=127.0.0.1 RATE_LIMIT_MAX_PER_IP=$budget RATE_LIMIT_MAX_PER_EMAIL=1000 \
    "$bin") >"$work/backend.log" 2>&1 &
pids+=($!)

mkdir -p "$work/nginx/logs" "$work/tls/logs"
check "OUTER_PROXIES=$tls_proxy renders one set_real_ip_from" sh -c \
    "OUTER_PROXIES=$tls_proxy sh deploy/nginx/outer-proxies.sh '$work/probe.conf' &&
     test \"\$(grep -v '^#' '$work/probe.conf')\" = 'set_real_ip_from $tls_proxy;'"
check "OUTER_PROXIES with anything but addresses is refused" sh -c \
    "! OUTER_PROXIES='$tls_proxy; include /etc/passwd' sh deploy/nginx/outer-proxies.sh '$work/probe.conf' 2>/dev/null"
# No frontend here: its upstream is a closed port.
OUTER_PROXIES=$tls_proxy host_nginx_conf "127.0.0.1:$nginx_port" "127.0.0.1:$backend_port" \
    127.0.0.1:9 "$work/nginx"
check "our nginx accepts the configuration" nginx -t -q -c "$work/nginx/nginx.conf" -p "$work/nginx"

# The TLS proxy of docs/deployment.md without TLS: it appends the peer to X-Forwarded-For.
cat >"$work/tls/nginx.conf" <<NGINX
pid $work/tls/nginx.pid;
error_log /dev/stderr warn;
events {}
http {
    access_log off;
    server {
        listen 127.0.0.1:$tls_port;
        location / {
            proxy_pass http://127.0.0.1:$nginx_port;
            proxy_bind $tls_proxy;
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
        }
    }
}
NGINX
check "the TLS proxy accepts its configuration" nginx -t -q -c "$work/tls/nginx.conf" -p "$work/tls"

nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' >"$work/nginx.log" 2>&1 &
pids+=($!)
nginx -c "$work/tls/nginx.conf" -p "$work/tls" -g 'daemon off;' >"$work/tls.log" 2>&1 &
pids+=($!)
tls=http://127.0.0.1:$tls_port
ours=http://127.0.0.1:$nginx_port
for _ in $(seq 50); do
    curl -sf --interface 127.0.0.2 "$tls/health/live" >/dev/null 2>&1 && break
    sleep 0.2
done
check "the chain answers /health/live" curl -sf --interface 127.0.0.2 -o /dev/null "$tls/health/live"

# One failed login from address $1 to $2 (more curl arguments after); prints the status.
fail_login() {
    local from=$1 url=$2
    shift 2
    curl -s -o /dev/null -w '%{http_code}' --interface "$from" -H 'content-type: application/json' \
        -d '{"email":"nobody@example.com","password":"not-the-password-1"}' "$@" "$url/api/auth/login"
}
# $3 failed logins from $1 to $2; prints their statuses.
fail_logins() {
    local codes=()
    for _ in $(seq "$3"); do codes+=("$(fail_login "$1" "$2")"); done
    echo "${codes[*]}"
}
# From $1 to $2: the first failed login claims to come from 127.0.0.2 (whose budget is spent by
# then), the rest each from a new address; prints the statuses.
forged_logins() {
    local codes=("$(fail_login "$1" "$2" -H 'x-forwarded-for: 127.0.0.2')")
    for n in 1 2 3; do codes+=("$(fail_login "$1" "$2" -H "x-forwarded-for: 127.0.1.$n")"); done
    echo "${codes[*]}"
}
spent="401 401 401 429"

printf -- '\n--> failed logins, %s allowed per address\n' "$budget"
got=$(fail_logins 127.0.0.2 "$tls" 4)
check "127.0.0.2 through the TLS proxy: its budget, then 429 ($got)" test "$got" = "$spent"
got=$(fail_logins 127.0.0.3 "$tls" 1)
check "127.0.0.3 through the TLS proxy still has its own ($got)" test "$got" = 401
got=$(forged_logins 127.0.0.4 "$tls")
check "127.0.0.4 through the TLS proxy, naming 127.0.0.2 then new addresses: its own budget ($got)" \
    test "$got" = "$spent"
got=$(forged_logins 127.0.0.6 "$ours")
check "127.0.0.6 straight to our nginx, naming 127.0.0.2 then new addresses: its own budget ($got)" \
    test "$got" = "$spent"

seen=$(grep -o '"http.client_ip":"[^"]*"' "$work/backend.log" | cut -d'"' -f4 | sort -u | tr '\n' ' ')
check "the backend saw the clients' own addresses, no proxy's, no forged one ($seen)" \
    test "$seen" = "127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.6 "

printf '\nproxy chain: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
