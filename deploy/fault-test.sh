#!/usr/bin/env bash
# Fault test: PostgreSQL is stopped in the middle of a load of registrations, logins and reads,
# then started again. The service must stay up, answer 503 (never another 5xx) while the
# database is away, recover by itself, and the database must hold exactly what clients were
# told: no user or session lost, duplicated or half-written.
#
#   deploy/fault-test.sh                     # 10 s load, 10 s outage, 15 s after
#   BEFORE=20 OUTAGE=30 AFTER=30 deploy/fault-test.sh
#
# Runs against the machine's PostgreSQL cluster, which it stops and starts (root needed), in
# a database of its own. Results: target/fault/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/checks.sh
source deploy/checks.sh

before=${BEFORE:-10} outage=${OUTAGE:-10} after=${AFTER:-15} threads=${THREADS:-6}
cluster=$(ls /etc/postgresql)
admin=postgres://postgres@127.0.0.1:5432/postgres
database=yoshikosan_fault
url=postgres://postgres@127.0.0.1:5432/$database
out=target/fault
prefix=fault$(date +%s)
pg() { pg_ctlcluster --skip-systemctl-redirect "$cluster" main "$1"; }

# YOSHIKOSAN_BIN: a binary already built (CI's, from its tests); otherwise built here.
bin=${YOSHIKOSAN_BIN:-}
if [[ -z $bin ]]; then
    echo "==> building the service"
    cargo build --quiet -p yoshikosan-api --bin yoshikosan
    bin=target/debug/yoshikosan
fi
[[ -x $bin ]] || { echo "no service binary at $bin (YOSHIKOSAN_BIN)" >&2; exit 2; }
rm -rf "$out" && mkdir -p "$out"
pg start &>/dev/null || true
psql "$admin" -qc "drop database if exists $database" -c "create database $database"
port=$(free_port)
cleanup() { [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null; pg start &>/dev/null || true; }
trap cleanup EXIT

# BCRYPT_COST 10 (production's minimum) keeps enough requests in flight to catch the cut. The
# load comes from one address and every sign-up spends a unit of its budget: the address limit
# is lifted, since this test is about the database, not the limits.
env -i PATH="$PATH" HOST=127.0.0.1 PORT="$port" DATABASE_URL="$url" BCRYPT_COST=10 RATE_LIMIT_MAX_PER_IP=1000000 \
    SECRET_KEY=fault-test-secret-key-0123456789abcdef01 LOG_FORMAT=json RUST_LOG=info \
    "$bin" >"$out/service.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done

echo "==> load: $threads clients for $((before + outage + after)) s; PostgreSQL stops at ${before} s for ${outage} s"
python3 deploy/fault_load.py "$port" "$((before + outage + after))" "$threads" "$prefix" "$out/results.json" &
load=$!
sleep "$before"
down_at=$(date +%s.%N)
echo "==> $(date +%T) stopping PostgreSQL"
pg stop
sleep 1
health_down=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)
echo "    /health while down: $health_down"
sleep "$((outage - 1))"
up_at=$(date +%s.%N)
echo "==> $(date +%T) starting PostgreSQL"
pg start
wait "$load"

echo "==> checks"
check "the process is still running" kill -0 "$pid"
check "/health answered 503 while the database was down" test "$health_down" = 503
check "/health is 200 again without a restart" curl -fs -o /dev/null "http://127.0.0.1:$port/health"
check "the database holds exactly what clients were told" \
    python3 deploy/fault_check.py "$out/results.json" "$url" "$prefix" "$down_at" "$up_at"
check "no panic in the service's log" bash -c "! grep -q panicked '$out/service.log'"
echo "$passed passed, $failed failed (results in $out/)"
[[ $failed == 0 ]]
