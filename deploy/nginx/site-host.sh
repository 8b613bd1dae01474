#!/bin/sh
# Writes site-host.conf, which nginx.conf includes: where a browser that opened the stack at
# another loopback address (http://127.0.0.1:8080, http://[::1]:6666) is sent, so that every page
# is on SITE_URL's host. Cookies, the allowed origins, OAuth returns and passkeys all belong to
# one host; a page at 127.0.0.1 would be refused as another site. The port stays as it was.
# Only for a plain-http SITE_URL on a name (http://localhost:8080): behind TLS, browsers arrive
# through the TLS proxy under the site's own name anyway.
# Compose runs this from entrypoint.sh; the deployment tests run it with the path to write.
set -eu
out=${1:-/etc/nginx/site-host.conf}
site=${SITE_URL:-}
name=""
case $site in
    http://*)
        authority=${site#http://}
        authority=${authority%%/*}
        candidate=${authority%%:*}
        # A name (letters, digits, dots, hyphens, one letter at least), never nginx syntax.
        case $candidate in
            "" | *[!A-Za-z0-9.-]*) ;;
            *[A-Za-z]*) name=$candidate ;;
        esac
        ;;
esac

{
    echo "# From SITE_URL (deploy/nginx/site-host.sh): ${name:-no name to send loopback addresses to}."
    echo 'map $http_host $site_host_redirect {'
    echo '    default "";'
    if [ -n "$name" ]; then
        echo "    \"~^(?:127(?:\\.[0-9]+){3}|\\[::1\\])(?<loopback_port>:[0-9]+)?\$\" \"http://$name\$loopback_port\";"
    fi
    echo '}'
} >"$out.new"
mv "$out.new" "$out"
