#!/usr/bin/env bash
# End-to-end run, one origin as in production: the backend binary, the production build of the
# frontend (standalone server), the stand-in providers (Google, Discord, and a generic OpenID
# Connect provider `corp` of OIDC_PROVIDERS), a mail catcher (Debian's aiosmtpd, writing
# every mail the backend sends into a Maildir, E2E_MAILDIR) and Debian's nginx with
# deploy/nginx/nginx.conf on :6666 in front. Starts them, runs Playwright in Debian's Chromium,
# stops them. Needs: YOSHIKOSAN_BIN (the backend binary), nginx, sqlite3 (the tests age a
# session's proof in the database, E2E_DATABASE), python3-aiosmtpd, `bun run build` done.
# Extra arguments go to `playwright test`.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(cd .. && pwd)
# free_port and host_nginx_conf, shared with the deployment tests.
source "$root/deploy/checks.sh"

bin=${YOSHIKOSAN_BIN:-$root/target/debug/yoshikosan}
[ -x "$bin" ] || { echo "YOSHIKOSAN_BIN must point at the backend binary (tried $bin)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }
# Debian's Python, whose aiosmtpd is the package's (a python3 earlier on PATH may lack it).
mail_python=${E2E_MAIL_PYTHON:-/usr/bin/python3}
"$mail_python" -c 'import aiosmtpd' 2>/dev/null \
    || { echo "aiosmtpd is needed (apt-get install python3-aiosmtpd)" >&2; exit 2; }
[ -f .next/standalone/server.js ] || { echo "no production build: run 'bun run build' first" >&2; exit 2; }
port=${E2E_PORT:-6666}
# The site's origin, as the browser and the backend know it: a name, since passkeys need their
# relying party to be a domain (never an IP address), and plain http only on localhost. nginx
# listens on 127.0.0.1, where the browser's localhost lands.
public=http://localhost:$port
if curl -s -o /dev/null "$public/"; then
    echo "port $port is already in use" >&2
    exit 2
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The tests write to it directly only to make a session's proof older than the window.
export E2E_DATABASE=$work/e2e.db
backend_port=$(free_port)
frontend_port=$(free_port)
google_port=$(free_port)
discord_port=$(free_port)
corp_port=$(free_port)
smtp_port=$(free_port)
logs=${E2E_LOGS:-e2e-artifacts/logs}
mkdir -p "$logs"

OIDC_PORT=$google_port OIDC_REDIRECT_URIS=$public/api/auth/callback/google \
    node e2e/stand-ins/google.mjs >"$logs/google.log" 2>&1 &
pids+=($!)
DISCORD_PORT=$discord_port node e2e/stand-ins/discord.mjs >"$logs/discord.log" 2>&1 &
pids+=($!)
# The same stand-in as a company's single sign-on: its people are <login>@corp.example.com, the
# only domain the backend trusts its addresses in (OIDC_CORP_EMAIL_DOMAINS below).
OIDC_PORT=$corp_port OIDC_REDIRECT_URIS=$public/api/auth/callback/corp \
    OIDC_CLIENT_ID=yoshikosan-e2e-corp OIDC_CLIENT_SECRET=e2e-corp-secret \
    OIDC_LABEL=Corp OIDC_EMAIL_DOMAIN=corp.example.com \
    node e2e/stand-ins/google.mjs >"$logs/corp.log" 2>&1 &
pids+=($!)

# The mail catcher: every message the backend sends lands as a file in $E2E_MAILDIR/new, which
# the tests read (e2e/mail.ts).
export E2E_MAILDIR=$work/mail
"$mail_python" -c 'import mailbox, sys; mailbox.Maildir(sys.argv[1], create=True)' "$E2E_MAILDIR" \
    || exit 1
"$mail_python" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox \
    "$E2E_MAILDIR" >"$logs/smtp.log" 2>&1 &
pids+=($!)

APP_ENV=development HOST=127.0.0.1 PORT=$backend_port \
    DATABASE_URL="sqlite://$E2E_DATABASE?mode=rwc" \
    SECRET_KEY=e2e-secret-key-that-is-long-enough-0123456789 \
    FRONTEND_URL=$public PUBLIC_URL=$public BCRYPT_COST=4 LOG_FORMAT=json \
    TRUSTED_PROXIES=127.0.0.1 RATE_LIMIT_MAX_PER_IP=100000 RATE_LIMIT_MAX_PER_EMAIL=3 \
    GOOGLE_CLIENT_ID=yoshikosan-e2e GOOGLE_CLIENT_SECRET=e2e-google-secret \
    GOOGLE_ISSUER_URL=http://127.0.0.1:$google_port \
    DISCORD_CLIENT_ID=yoshikosan-e2e DISCORD_CLIENT_SECRET=e2e-discord-secret \
    DISCORD_AUTH_URL=http://127.0.0.1:$discord_port/oauth2/authorize \
    DISCORD_TOKEN_URL=http://127.0.0.1:$discord_port/api/oauth2/token \
    DISCORD_API_URL=http://127.0.0.1:$discord_port/api \
    OIDC_PROVIDERS=corp OIDC_CORP_ISSUER=http://127.0.0.1:$corp_port \
    OIDC_CORP_CLIENT_ID=yoshikosan-e2e-corp OIDC_CORP_CLIENT_SECRET=e2e-corp-secret \
    OIDC_CORP_NAME="Corp SSO" OIDC_CORP_EMAIL_DOMAINS=corp.example.com \
    SMTP_URL=smtp://127.0.0.1:$smtp_port MAIL_FROM='Yoshikosan <no-reply@example.com>' \
    "$bin" >"$logs/backend.log" 2>&1 &
pids+=($!)

NODE_ENV=production PORT=$frontend_port HOSTNAME=127.0.0.1 \
    BACKEND_URL=http://127.0.0.1:$backend_port \
    ${FRONTEND_RUNTIME:-bun} .next/standalone/server.js >"$logs/frontend.log" 2>&1 &
pids+=($!)

# deploy/nginx/nginx.conf as the deployment tests run it, pointed at this run's backend and frontend,
# with no outer proxy (the client is the peer).
(cd "$root" && OUTER_PROXIES= host_nginx_conf "127.0.0.1:$port" "127.0.0.1:$backend_port" \
    "127.0.0.1:$frontend_port" "$work") || exit 1
mkdir -p "$work/logs"
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' >"$logs/nginx.log" 2>&1 &
pids+=($!)

ready() {
    for _ in $(seq 150); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
    echo "not ready: $1" >&2
    return 1
}
# An SMTP server that greets and says goodbye: the catcher is listening.
smtp_ready() {
    for _ in $(seq 150); do
        "$mail_python" -c 'import smtplib, sys; smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=2).quit()' \
            "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "not ready: the mail catcher on 127.0.0.1:$1" >&2
    return 1
}
ready "$public/health" && ready "$public/login" \
    && ready "http://127.0.0.1:$google_port/.well-known/openid-configuration" \
    && ready "http://127.0.0.1:$corp_port/.well-known/openid-configuration" \
    && smtp_ready "$smtp_port" \
    || { tail -n 20 "$logs"/*.log >&2; exit 1; }

E2E_BASE_URL=$public PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 bunx playwright test "$@"
status=$?
# Every request the browser made went through nginx, whose access log prints each request line:
# the tests' password in it would mean a form was submitted as a GET.
if grep -q 'violet-harbour-42' "$logs/nginx.log"; then
    echo "a password reached nginx's access log:" >&2
    grep 'violet-harbour-42' "$logs/nginx.log" | head -n 3 >&2
    status=1
fi
# A reset link's token travels in the URL's fragment, which browsers never send: a request line
# with one would mean a page moved it into a path or query.
if grep -qE '"[A-Z]+ [^"]*token=' "$logs/nginx.log"; then
    echo "a link's token reached nginx's access log:" >&2
    grep -E '"[A-Z]+ [^"]*token=' "$logs/nginx.log" | head -n 3 >&2
    status=1
fi
exit $status
