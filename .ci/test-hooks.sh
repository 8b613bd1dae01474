#!/usr/bin/env bash
# The code-quality hooks as a developer meets them: in a scratch clone, `make install-hooks`, then
# commits that must be stopped (a clippy error, a TypeScript type error, an ESLint error), badly
# formatted Rust and TypeScript that the hooks rewrite (the commit stops until the result is
# added), and a clean commit that goes through. Uses the checkout's target dir and the frontend's
# installed packages, so nothing is built or installed from scratch.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source deploy/checks.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
[[ -d frontend/node_modules ]] || (cd frontend && bun install --frozen-lockfile >/dev/null)

git clone -q "$root" "$work/clone"
cd "$work/clone" || exit 1
git config user.email hooks@example.com
git config user.name "Hook check"
ln -s "$root/frontend/node_modules" frontend/node_modules
# A link, which .gitignore's `node_modules/` (directories) does not cover: kept out of commits.
echo /frontend/node_modules >>.git/info/exclude
[[ -f $root/frontend/next-env.d.ts ]] && cp "$root/frontend/next-env.d.ts" frontend/

echo "--> make install-hooks"
check "make install-hooks installs the commit hook" sh -c "make --no-print-directory install-hooks >'$work/install.log' 2>&1 && test -x .git/hooks/pre-commit"
commits() {
    git add -A && git commit -qm "$1" >"$work/attempt.log" 2>&1
    local status=$?
    cat "$work/attempt.log" >>"$work/commit.log"
    return $status
}
# The commit must be stopped by the hook $1, leaving HEAD where it was; the change is then
# thrown away.
stopped() {
    local hook=$1 head
    head=$(git rev-parse HEAD)
    if commits "$hook"; then
        git reset -q --hard "$head"
        return 1
    fi
    git reset -q --hard "$head" && git clean -qfd
    grep -q -- "- hook id: $hook\$" "$work/attempt.log"
}

echo "--> commits the hooks must stop (each hook runs its real tool)"
printf '\npub fn needless_map(x: Option<u8>) -> Option<u8> {\n    x.map(|v| v)\n}\n' >>crates/domain/src/lib.rs
check "Rust with a clippy error (cargo-clippy)" stopped cargo-clippy
printf 'export const count: number = "three";\n' >frontend/lib/hook-check.ts
check "TypeScript with a type error (frontend-typecheck)" stopped frontend-typecheck
printf 'export function parse(text: string): any {\n  return JSON.parse(text);\n}\n' >frontend/lib/hook-check.ts
check "TypeScript with an ESLint error (frontend-eslint)" stopped frontend-eslint

echo "--> badly formatted files are rewritten, and go in once added again"
printf '\npub fn   spaced( x:u8 )->u8 { x }\n' >>crates/domain/src/lib.rs
printf 'export const  answer={value:42}\n' >frontend/lib/hook-check.ts
head=$(git rev-parse HEAD)
check "the first commit stops" not commits "formatting"
check "cargo fmt rewrote the Rust" grep -q 'pub fn spaced(x: u8) -> u8' crates/domain/src/lib.rs
check "prettier rewrote the TypeScript" grep -q 'export const answer = { value: 42 };' frontend/lib/hook-check.ts
check "nothing was committed" test "$(git rev-parse HEAD)" = "$head"
check "the same commit, added again, goes through" commits "formatted"
check "and is on the branch" test "$(git rev-parse HEAD)" != "$head"

printf '\nhooks: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ] || { tail -n 40 "$work/commit.log"; exit 1; }
