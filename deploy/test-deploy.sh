#!/usr/bin/env bash
# Proves the deployment files on this machine with the real tools:
#   1. deploy/docker-compose.yml validates (Debian's docker-compose),
#   2. Debian's nginx with deploy/nginx/nginx.conf in front of a running backend on :6666
#      (register, login, me, logout, /docs, /health, the frontend route, the real client IP),
#   3. headless Chromium signing in with "Google" (npm's oidc-provider, a real OpenID provider
#      on loopback) through nginx, landing on the frontend with the session cookie set,
#   4. the make targets that touch configuration and the database.
# The stack in containers has its own script, deploy/test-stack.sh.
# Needs: nginx, docker-compose, curl, python3, node with `npm ci` done in deploy/browser-test, and
# /usr/bin/chromium (all installed by .ci/run); PostgreSQL on 127.0.0.1 is used when it answers,
# else SQLite.
set -uo pipefail
cd "$(dirname "$0")/.."

source deploy/checks.sh
step() { printf '\n--> %s\n' "$*"; }

work=$(mktemp -d)
pids=()
pg_db=""
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    [ -n "$pg_db" ] && psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

bin=${YOSHIKOSAN_BIN:-target/debug/yoshikosan}
if [ ! -x "$bin" ]; then
    step "building the service"
    cargo build --quiet -p yoshikosan-api --bin yoshikosan || exit 1
fi
secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

step "docker-compose config"
# A fresh clone of what is committed, with .env made from .env.example plus the two secrets.
git clone --quiet "$PWD" "$work/stack"
{ cat .env.example; echo "POSTGRES_PASSWORD=compose-check"; echo "SECRET_KEY=$secret"; } > "$work/stack/.env"
unset FRONTEND_DIR
compose() { (cd "$work/stack" && docker-compose --env-file .env -f deploy/docker-compose.yml "$@"); }
check "the compose file validates on a fresh clone" compose config -q
compose config >"$work/compose.yml" 2>/dev/null
services=$(compose config --services 2>/dev/null | sort | tr '\n' ' ')
check "services: backend, frontend, nginx, postgres ($services)" test "$services" = "backend frontend nginx postgres "
check "every service is in the default stack, the frontend built from frontend/" sh -c "python3 - '$work/compose.yml' '$work/stack' <<'PY'
import os, sys, yaml
services = yaml.safe_load(open(sys.argv[1]))['services']
context = os.path.realpath(services['frontend']['build']['context'] if isinstance(services['frontend']['build'], dict) else services['frontend']['build'])
sys.exit(0 if not any(s.get('profiles') for s in services.values())
         and context == os.path.realpath(os.path.join(sys.argv[2], 'frontend')) else 1)
PY"
check "the frontend gets no secret (SECRET_KEY, OAuth secrets, database password)" sh -c "python3 - '$work/compose.yml' <<'PY'
import sys, yaml
frontend = yaml.safe_load(open(sys.argv[1]))['services']['frontend']
env = frontend.get('environment') or {}
secret = [k for k in env if k in ('SECRET_KEY', 'POSTGRES_PASSWORD', 'DATABASE_URL') or k.endswith('CLIENT_SECRET')]
sys.exit(0 if not secret and 'env_file' not in frontend else 1)
PY"
check "nginx publishes port 6666" grep -q '6666' "$work/compose.yml"
check "the backend waits for a healthy postgres" grep -q 'condition: service_healthy' "$work/compose.yml"
check "postgres keeps its data in a named volume" grep -q 'postgres-data:/var/lib/postgresql/data' "$work/compose.yml"
check "the backend believes nginx alone, at a fixed address the others cannot get" sh -c "python3 - '$work/compose.yml' <<'PY'
import ipaddress, sys, yaml
stack = yaml.safe_load(open(sys.argv[1]))
nginx = ipaddress.ip_address(stack['services']['nginx']['networks']['app']['ipv4_address'])
pool = stack['networks']['app']['ipam']['config'][0]
sys.exit(0 if stack['services']['backend']['environment']['TRUSTED_PROXIES'] == str(nginx)
         and nginx in ipaddress.ip_network(pool['subnet'])
         and nginx not in ipaddress.ip_network(pool['ip_range']) else 1)
PY"
check "PostgreSQL is only on the internal data network, which only the backend shares" sh -c "python3 - '$work/compose.yml' <<'PY'
import sys, yaml
stack = yaml.safe_load(open(sys.argv[1]))
networks = {name: sorted(service.get('networks') or []) for name, service in stack['services'].items()}
sys.exit(0 if stack['networks']['data'].get('internal') is True
         and networks['postgres'] == ['data'] and networks['backend'] == ['app', 'data']
         and 'data' not in networks['frontend'] + networks['nginx'] else 1)
PY"
check "nginx believes no outer proxy by default (OUTER_PROXIES empty)" sh -c "python3 - '$work/compose.yml' <<'PY'
import sys, yaml
nginx = yaml.safe_load(open(sys.argv[1]))['services']['nginx']
sys.exit(0 if nginx['environment']['OUTER_PROXIES'] == ''
         and nginx['entrypoint'][-1] == '/etc/nginx/yoshikosan/entrypoint.sh'
         and any(v.endswith(':/etc/nginx/yoshikosan/outer-proxies.sh:ro') for v in nginx['volumes']) else 1)
PY"

step "the backend behind Debian's nginx on :6666"
if pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_db="yoshikosan_deploy_$$"
    psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE \"$pg_db\"" >/dev/null
    database_url="postgres://postgres@127.0.0.1:5432/$pg_db"
else
    database_url="sqlite://$work/deploy.db?mode=rwc"
fi
backend_port=$(free_port)
frontend_port=$(free_port)
oidc_port=$(free_port)
public=http://127.0.0.1:6666
# "Google" is a real OpenID provider on loopback; the backend reaches it by GOOGLE_ISSUER_URL.
OIDC_PORT=$oidc_port OIDC_REDIRECT_URI=$public/api/auth/callback/google \
    node deploy/browser-test/provider.mjs >"$work/oidc.log" 2>&1 &
pids+=($!)
APP_ENV=development PORT=$backend_port HOST=127.0.0.1 DATABASE_URL=$database_url SECRET_KEY=$secret \
    BCRYPT_COST=10 LOG_FORMAT=json TRUSTED_PROXIES=127.0.0.1 FRONTEND_URL=$public PUBLIC_URL=$public \
    GOOGLE_CLIENT_ID=yoshikosan-browser-test GOOGLE_CLIENT_SECRET=browser-test-secret \
    GOOGLE_ISSUER_URL=http://127.0.0.1:$oidc_port \
    "$bin" >"$work/backend.log" 2>&1 &
pids+=($!)
python3 deploy/browser-test/frontend_stand_in.py "$frontend_port" >/dev/null 2>&1 &
pids+=($!)
# The same configuration, pointed at this host's backend and frontend instead of compose's; no
# proxy in front (OUTER_PROXIES empty), so nginx takes each client's own address.
OUTER_PROXIES= host_nginx_conf 6666 "127.0.0.1:$backend_port" "127.0.0.1:$frontend_port" "$work"
check "nginx accepts the configuration" nginx -t -q -c "$work/nginx.conf" -p "$work"
mkdir -p "$work/logs"
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' >"$work/nginx.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
    curl -sf --interface 127.0.0.2 http://127.0.0.1:6666/health >/dev/null 2>&1 && break
    sleep 0.2
done

# Requests come from 127.0.0.2, so the backend must see that address, not nginx's 127.0.0.1.
web() { curl -s --interface 127.0.0.2 "$@"; }
status() { web -o /dev/null -w '%{http_code}' "$@"; }
json='content-type: application/json'
credentials='{"email":"deploy@example.com","password":"violet-harbour-42"}'
check "/health is healthy through nginx" sh -c "curl -s --interface 127.0.0.2 http://127.0.0.1:6666/health | grep -q '\"status\":\"healthy\"'"
check "/docs serves Swagger UI" test "$(status http://127.0.0.1:6666/docs)" = 200
check "/docs assets load" test "$(status http://127.0.0.1:6666/docs/swagger-ui.css)" = 200
check "/openapi.json is served" test "$(status http://127.0.0.1:6666/openapi.json)" = 200
check "register answers 201" test "$(status -H "$json" -d '{"email":"deploy@example.com","password":"violet-harbour-42","name":"Deploy"}' http://127.0.0.1:6666/api/auth/register)" = 201
token=$(web -H "$json" -d "$credentials" http://127.0.0.1:6666/api/auth/login | python3 -c 'import json,sys; print(json.load(sys.stdin).get("access_token",""))')
check "login returns a token" test -n "$token"
check "me answers with the token" test "$(status -H "authorization: Bearer $token" http://127.0.0.1:6666/api/auth/me)" = 200
check "logout answers 204" test "$(status -X POST -H "authorization: Bearer $token" http://127.0.0.1:6666/api/auth/logout)" = 204
check "the logged-out token is refused" test "$(status -H "authorization: Bearer $token" http://127.0.0.1:6666/api/auth/me)" = 401
check "a request id passes through both ways" sh -c "curl -si --interface 127.0.0.2 -H 'x-request-id: deploy-check-42' http://127.0.0.1:6666/health/live | grep -qi '^x-request-id: deploy-check-42'"
check "everything else goes to the frontend" sh -c "curl -s --interface 127.0.0.2 http://127.0.0.1:6666/some/page | grep -q 'frontend stand-in'"
check "bodies over 64 KiB are refused at nginx" test "$(python3 -c 'print("x"*70000)' | curl -s --interface 127.0.0.2 -o /dev/null -w '%{http_code}' -H "$json" --data-binary @- http://127.0.0.1:6666/api/auth/login)" = 413
check "the backend logged the real client IP (127.0.0.2)" grep -q '"http.client_ip":"127.0.0.2"' "$work/backend.log"
check "the backend never logged nginx's address as the client" sh -c "! grep -q '\"http.client_ip\":\"127.0.0.1\"' '$work/backend.log'"

step "two proxies in a row: TLS proxy, nginx, backend (deploy/test-proxy-chain.sh)"
check "clients behind the TLS proxy keep their own addresses and cannot choose them" \
    env YOSHIKOSAN_BIN="$bin" bash deploy/test-proxy-chain.sh

step "a browser signs in with Google through nginx"
for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$oidc_port/.well-known/openid-configuration" >/dev/null && break
    sleep 0.2
done
check "headless Chromium: provider login, consent, callback, frontend, /api/auth/me" \
    env BASE_URL=$public SCREENSHOT="$work/signed-in.png" node deploy/browser-test/signin.mjs
check "the audit trail has the OAuth sign-in" grep -qE '"event":"oauth_(user_created|linked|sign_in)"' "$work/backend.log"

step "make targets"
targets=$(grep -oE '^[a-z][a-z-]+:' Makefile | tr -d ':' | sort -u)
listed=$(make --no-print-directory help | sed 's/\x1b\[[0-9;]*m//g' | awk '{print $1}' | sort -u)
check "make help lists every target" test "$targets" = "$listed"
phony=$(sed -n '/^\.PHONY:/,/^$/p' Makefile | tr -d '\\' | tr ' \t' '\n\n' | grep -vE '^(\.PHONY:|)$' | sort -u)
check "every target is .PHONY" test "$targets" = "$phony"
check "make env-check accepts a valid configuration" sh -c "cd '$work' && SECRET_KEY=$secret make --no-print-directory -C '$PWD' env-check >/dev/null"
check "make env-check refuses an invalid one" sh -c "! APP_ENV=production make --no-print-directory env-check >/dev/null 2>&1"
export DATABASE_URL="sqlite://$work/make.db?mode=rwc"
check "make db-migrate" sh -c "make --no-print-directory db-migrate >/dev/null 2>&1"
check "make db-status shows it applied" sh -c "make --no-print-directory db-status 2>&1 | grep -q '^applied  m20261206_000007'"
check "make db-rollback asks first" sh -c "echo no | make --no-print-directory db-rollback 2>&1 | grep -q cancelled"
check "make db-rollback rolls one back, naming it" sh -c "make --no-print-directory db-rollback FORCE=1 2>&1 | grep -q 'rolled back m20261206_000007' && make --no-print-directory db-status 2>&1 | grep -q '^pending  m20261206_000007'"
check "make db-reset names the database it would wipe, and refuses without confirmation" \
    sh -c "echo no | make --no-print-directory db-reset >'$work/reset.log' 2>&1; test \$? -ne 0 && grep -q 'every row of sqlite://$work/make.db' '$work/reset.log'"
check "make db-reset FORCE=1 leaves the schema applied" sh -c "make --no-print-directory db-reset FORCE=1 2>&1 | grep -q 'applied again: 7 migration(s)' && ! make --no-print-directory db-status 2>&1 | grep -q '^pending'"
unset DATABASE_URL

printf '\ndeploy: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
