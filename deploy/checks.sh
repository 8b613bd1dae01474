# Shared by the deployment test scripts: counted checks and a free loopback port.
# shellcheck shell=bash

passed=0
failed=0
check() {
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        printf '  ok    %s\n' "$what"
    else
        failed=$((failed + 1))
        printf '  FAIL  %s\n' "$what"
    fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
