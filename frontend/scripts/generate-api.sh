#!/usr/bin/env bash
# Generates lib/api-schema.d.ts from the backend's own OpenAPI document (`yoshikosan openapi`).
# With --check, fails when the committed file no longer matches the backend.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${YOSHIKOSAN_BIN:-../target/debug/yoshikosan}
if [ ! -x "$bin" ]; then
    echo "YOSHIKOSAN_BIN must point at the backend binary (tried $bin)" >&2
    exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" openapi >"$tmp/openapi.json"
# An object schema that lists no properties takes any object (a passkey's options and the
# browser's answer pass through in WebAuthn's own JSON), not none, as it would be read by default.
bunx openapi-typescript "$tmp/openapi.json" --empty-objects-unknown --output "$tmp/api-schema.d.ts" >/dev/null
bunx prettier --log-level warn --write "$tmp/api-schema.d.ts"
if [ "${1:-}" = "--check" ]; then
    if ! diff -u lib/api-schema.d.ts "$tmp/api-schema.d.ts"; then
        echo "lib/api-schema.d.ts is out of date: run 'bun run api:generate'" >&2
        exit 1
    fi
    echo "lib/api-schema.d.ts matches the backend"
else
    cp "$tmp/api-schema.d.ts" lib/api-schema.d.ts
    echo "wrote lib/api-schema.d.ts"
fi
