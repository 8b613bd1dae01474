#!/usr/bin/env bash
# Everything CI checks for the frontend, in order: frozen install, the generated API types
# against the backend binary (YOSHIKOSAN_BIN), lint, format, typecheck, unit tests, production
# build, then the end-to-end run (scripts/e2e.sh starts and stops the whole stack).
# Ends with one plain "N passed, N failed" line each for bun test and Playwright.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

failed_steps=()
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
step() {
    local name=$1
    shift
    printf '\n==> %s\n' "$name"
    if ! "$@"; then failed_steps+=("$name"); fi
}

step "install (frozen lockfile)" bun install --frozen-lockfile
step "API types match the backend" bash scripts/generate-api.sh --check
step "lint" bun run lint
step "format" bun run format:check
step "typecheck" bun run typecheck

printf '\n==> unit tests\n'
bun test ./tests/unit 2>&1 | tee "$log/unit.txt"
unit_rc=${PIPESTATUS[0]}
[ "$unit_rc" -eq 0 ] || failed_steps+=("unit tests")
unit_pass=$(grep -oE '^ *[0-9]+ pass' "$log/unit.txt" | grep -oE '[0-9]+' | tail -1)
unit_fail=$(grep -oE '^ *[0-9]+ fail' "$log/unit.txt" | grep -oE '[0-9]+' | tail -1)

e2e_pass=0
e2e_fail=0
step "production build" bun run build
if [[ " ${failed_steps[*]} " != *"production build"* ]]; then
    printf '\n==> end-to-end\n'
    rm -f e2e-artifacts/results.json
    bash scripts/e2e.sh || failed_steps+=("end-to-end")
    if [ -f e2e-artifacts/results.json ]; then
        read -r e2e_pass e2e_fail < <(bun -e '
            const s = (await Bun.file("e2e-artifacts/results.json").json()).stats;
            console.log(s.expected + s.flaky, s.unexpected);')
    else
        e2e_fail=1
    fi
    [ -f e2e-artifacts/login-metrics.json ] && cat e2e-artifacts/login-metrics.json
fi

echo
[ ${#failed_steps[@]} -eq 0 ] || echo "failed steps: ${failed_steps[*]}"
echo "bun test: ${unit_pass:-0} passed, ${unit_fail:-0} failed"
echo "playwright: $e2e_pass passed, $e2e_fail failed"
[ ${#failed_steps[@]} -eq 0 ]
