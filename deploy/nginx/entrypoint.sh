#!/bin/sh
# nginx's entrypoint in the stack: writes outer-proxies.conf from OUTER_PROXIES and
# site-host.conf from SITE_URL and finds the container's DNS server, then hands over to the
# image's own entrypoint, which renders templates/ (the resolver) and starts nginx. Run ahead of it rather than from
# /docker-entrypoint.d/, so that it works with any image whose entrypoint renders templates.
set -eu
sh /etc/nginx/yoshikosan/outer-proxies.sh /etc/nginx/outer-proxies.conf
sh /etc/nginx/yoshikosan/site-host.sh /etc/nginx/site-host.conf
# The engine's DNS server is the first nameserver of resolv.conf (Docker's 127.0.0.11,
# podman's network gateway, a cluster's DNS). Only that one: podman lists the host's servers
# after it, which do not know the services' names, and nginx asks its resolvers in turn, so the
# image's NGINX_ENTRYPOINT_LOCAL_RESOLVERS (every nameserver) would fail one lookup in two.
NGINX_LOCAL_RESOLVERS=$(awk '$1 == "nameserver" { print ($2 ~ ":") ? "[" $2 "]" : $2; exit }' /etc/resolv.conf)
export NGINX_LOCAL_RESOLVERS
exec /docker-entrypoint.sh "$@"
