#!/bin/sh
# nginx's entrypoint in the stack: writes outer-proxies.conf from OUTER_PROXIES, then hands over
# to the image's own entrypoint, which renders templates/ (the resolver) and starts nginx. Run
# ahead of it rather than from /docker-entrypoint.d/, so that it works with any image whose
# entrypoint renders templates.
set -eu
sh /etc/nginx/yoshikosan/outer-proxies.sh /etc/nginx/outer-proxies.conf
exec /docker-entrypoint.sh "$@"
