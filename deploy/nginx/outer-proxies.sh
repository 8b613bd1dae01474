#!/bin/sh
# Writes outer-proxies.conf, which nginx.conf includes: one `set_real_ip_from` for each address in
# OUTER_PROXIES (comma-separated IPs or CIDRs of the proxies in front of this nginx, such as the
# TLS proxy). Only a request from one of them may name its client in X-Forwarded-For; with
# OUTER_PROXIES empty nobody may, and the client is the connection's peer.
# Compose runs this from the nginx image's /docker-entrypoint.d/ before nginx starts; the
# deployment tests run it with the path to write as the first argument.
set -eu
set -f # the addresses are words, never file patterns
out=${1:-/etc/nginx/outer-proxies.conf}

{
    echo "# From OUTER_PROXIES (deploy/nginx/outer-proxies.sh); none listed: nobody is believed."
    for address in $(printf '%s' "${OUTER_PROXIES:-}" | tr ',' ' '); do
        # Anything else would be nginx syntax, not an address.
        case $address in
            *[!0-9A-Fa-f.:/]*)
                echo "OUTER_PROXIES: '$address' is not an IP address or CIDR" >&2
                rm -f "$out.new"
                exit 1
                ;;
        esac
        echo "set_real_ip_from $address;"
    done
} >"$out.new"
mv "$out.new" "$out"
