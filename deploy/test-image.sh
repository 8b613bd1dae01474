#!/usr/bin/env bash
# Builds deploy/Dockerfile and frontend/Dockerfile with podman (after
# ../shared/tools/container-sandbox.sh has made the base images available) and checks each image:
# size above its base, the HEALTHCHECK, a non-root user; the backend's start-up to healthy against
# the host's PostgreSQL within 5 s, the frontend serving /login with its security headers.
set -uo pipefail
cd "$(dirname "$0")/.."

source deploy/checks.sh
now_ms() { date +%s%3N; }

db="yoshikosan_image_$$"
name="yoshikosan-image-test-$$"
frontend="yoshikosan-frontend-image-test-$$"
cleanup() {
    podman rm -f "$name" "$frontend" >/dev/null 2>&1
    psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" 2>/dev/null
}
trap cleanup EXIT

# The sandbox set-up lives beside the checkout; CONTAINER_SANDBOX names it when it is elsewhere.
sandbox=${CONTAINER_SANDBOX:-}
for candidate in ../shared/tools/container-sandbox.sh /work/shared/tools/container-sandbox.sh; do
    [[ -z $sandbox && -f $candidate ]] && sandbox=$candidate
done
[[ -n $sandbox ]] || { echo "container-sandbox.sh not found: set CONTAINER_SANDBOX to its path" >&2; exit 1; }
bash "$sandbox" || exit 1
started=$(date +%s)
echo "--> podman build -f deploy/Dockerfile . (progress in the build output)"
check "the image builds" podman build --network host --format docker -f deploy/Dockerfile -t yoshikosan-api:test .
echo "  build took $(($(date +%s) - started)) s"
size=$(podman image inspect yoshikosan-api:test --format '{{.Size}}')
base=$(podman image inspect docker.io/library/debian:bookworm-slim --format '{{.Size}}')
echo "  image: $((size / 1000000)) MB in all, $(((size - base) / 1000000)) MB above debian:bookworm-slim"
check "under 60 MB above the base image" test $((size - base)) -lt 60000000
check "a HEALTHCHECK that needs no curl" sh -c "podman image inspect yoshikosan-api:test --format '{{json .Config.Healthcheck}}' | grep -q 'yoshikosan\",\"healthcheck'"
check "port 8000 is exposed" sh -c "podman image inspect yoshikosan-api:test --format '{{.Config.ExposedPorts}}' | grep -q 8000"

psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE \"$db\"" >/dev/null
port=$(free_port)
begin=$(now_ms)
podman run -d --name "$name" --network host -e PORT="$port" -e SECRET_KEY="$(openssl rand -hex 32)" \
    -e DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" yoshikosan-api:test >/dev/null
healthy=""
for _ in $(seq 100); do
    if podman exec "$name" /usr/local/bin/yoshikosan healthcheck 2>/dev/null; then healthy=$(($(now_ms) - begin)); break; fi
    sleep 0.05
done
echo "  start-up to healthy (migrations included): ${healthy:-never} ms"
check "healthy within 5 s of start" test -n "$healthy" -a "${healthy:-99999}" -lt 5000
check "the service answers /health from the host" sh -c "curl -s localhost:$port/health | grep -q '\"status\":\"healthy\"'"
check "it runs as a non-root user" test "$(podman exec "$name" id -u)" != 0
check "podman's own health check passes" podman healthcheck run "$name"

echo "--> podman build -f frontend/Dockerfile frontend"
started=$(date +%s)
check "the frontend image builds" podman build --network host --format docker -f frontend/Dockerfile \
    -t yoshikosan-frontend:test frontend
echo "  build took $(($(date +%s) - started)) s"
size=$(podman image inspect yoshikosan-frontend:test --format '{{.Size}}')
base=$(podman image inspect docker.io/oven/bun:1-slim --format '{{.Size}}')
echo "  frontend image: $((size / 1000000)) MB in all, $(((size - base) / 1000000)) MB above oven/bun:1-slim"
check "the frontend image is under 300 MB" test "$size" -lt 300000000
check "and at most 80 MB above its base" test $((size - base)) -le 80000000
check "its HEALTHCHECK needs no curl" sh -c "podman image inspect yoshikosan-frontend:test --format '{{json .Config.Healthcheck}}' | grep -q '\"bun\"'"
# The image's health check asks port 3000 on its own loopback: it runs with the host's network.
if curl -s -o /dev/null http://127.0.0.1:3000/; then
    echo "  port 3000 is taken on this machine: the frontend container is not started"
else
    podman run -d --name "$frontend" --network host yoshikosan-frontend:test >/dev/null
    for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:3000/login && break; sleep 0.1; done
    check "the frontend serves /login" curl -sf -o /dev/null http://127.0.0.1:3000/login
    check "with a nonce CSP that forbids framing" sh -c "curl -sI http://127.0.0.1:3000/login | grep -i '^content-security-policy:' | grep -q \"frame-ancestors 'none'\""
    check "the frontend runs as a non-root user" test "$(podman exec "$frontend" id -u)" != 0
    check "the frontend's own health check passes" podman healthcheck run "$frontend"
fi

printf '\nimage: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
