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
not() { ! "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# deploy/nginx/nginx.conf made to run on this host, written to $4/nginx.conf: listening on $1, the
# backend at $2 and the frontend at $3 (host:port), with $4/outer-proxies.conf from OUTER_PROXIES
# and $4/site-host.conf from SITE_URL.
host_nginx_conf() {
    local listen=$1 backend=$2 frontend=$3 dir=$4
    sed -e "s|listen 6666;|listen $listen;|" \
        -e "s|http://backend:8000|http://$backend|" \
        -e "s|http://frontend:3000|http://$frontend|" \
        -e "s|^\(\s*\)include /etc/nginx/conf.d/resolver.conf;|\1# (no resolver: addresses are literal here)|" \
        -e "s|^pid .*|pid $dir/nginx.pid;|" \
        deploy/nginx/nginx.conf >"$dir/nginx.conf" &&
        sh deploy/nginx/outer-proxies.sh "$dir/outer-proxies.conf" &&
        sh deploy/nginx/site-host.sh "$dir/site-host.conf"
}
