#!/usr/bin/env bash
# OpenAPI-driven fuzzing with schemathesis: the service runs on a fresh SQLite database and
# schemathesis sends generated requests for every documented operation, checking that nothing
# answers 5xx and that every response (status, content type, headers, body) matches the
# document at /openapi.json.
#
#   deploy/api-fuzz.sh            # 3 minutes signed in, then 1 minute on the revoking routes
#   DURATION=600 deploy/api-fuzz.sh
#
# Installs schemathesis into target/schemathesis-venv on first use, with Python 3.12 or later
# when there is one (3.11's parser can crash inside hypothesis mid-run). Exits non-zero on any
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/checks.sh
source deploy/checks.sh

duration=${DURATION:-180}
revoking_duration=${REVOKING_DURATION:-60}
pick_python() {
    local py version
    for py in python3.13 python3.12; do "$py" -c '' &>/dev/null && { echo "$py"; return; }; done
    if command -v pyenv >/dev/null; then
        version=$(pyenv versions --bare | grep -E '^3\.1[2-9]' | sort -V | tail -1)
        [[ -n $version ]] && { echo "$(pyenv root)/versions/$version/bin/python3"; return; }
    fi
    echo python3
}
venv=target/schemathesis-venv
if [[ ! -x $venv/bin/st ]]; then
    echo "==> installing schemathesis into $venv"
    "$(pick_python)" -m venv "$venv"
    "$venv/bin/pip" install --quiet schemathesis==4.32.5
fi
st() { "$venv/bin/st" "$@"; }

echo "==> building the service"
cargo build --quiet -p yoshikosan-api --bin yoshikosan
work=target/api-fuzz
rm -rf "$work" && mkdir -p "$work"
port=$(free_port)
base="http://127.0.0.1:$port"
cleanup() { [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT

# Discord is configured against an address where nothing listens, so the OAuth routes answer
# their real redirects and failures rather than 404.
env -i PATH="$PATH" HOST=127.0.0.1 PORT="$port" DATABASE_URL="sqlite://$work/fuzz.db?mode=rwc" \
    SECRET_KEY=api-fuzz-secret-key-0123456789abcdef0123 BCRYPT_COST=4 LOG_FORMAT=json RUST_LOG=info \
    DISCORD_CLIENT_ID=fuzz DISCORD_CLIENT_SECRET=fuzz DISCORD_TOKEN_URL=http://127.0.0.1:9/token \
    DISCORD_API_URL=http://127.0.0.1:9/api \
    target/debug/yoshikosan >"$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs "$base/health/live" >/dev/null && break; sleep 0.1; done

token=$(curl -fs "$base/api/auth/register" -H 'content-type: application/json' \
    -d '{"email":"fuzz@example.com","password":"violet-harbour-42","name":"Fuzz"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
status=0
echo "==> ${duration} s on every operation but the revoking ones, signed in"
st run "$base/openapi.json" --checks "$checks" --max-time "$duration" --workers 2 \
    -H "Authorization: Bearer $token" --exclude-path-regex '/logout' \
    --exclude-method DELETE --continue-on-failure || status=1
echo "==> ${revoking_duration} s on logout, logout-all and session revocation"
st run "$base/openapi.json" --checks "$checks" --max-time "$revoking_duration" --workers 2 \
    -H "Authorization: Bearer $token" --include-path-regex '(/logout|/sessions/)' --continue-on-failure || status=1

if ! kill -0 "$pid" 2>/dev/null; then
    echo "the service died during the run" >&2
    status=1
fi
echo "==> answers by status, from the service's log ($work/service.log):"
grep -o '"http.status_code":[0-9]*' "$work/service.log" | cut -d: -f2 | sort | uniq -c | sed 's/^/    /'
server_errors=$(grep -c '"http.status_code":5' "$work/service.log" || true)
echo "==> 5xx answers: $server_errors"
[[ $server_errors == 0 ]] || status=1
exit $status
