#!/bin/sh
# Renders nginx's configuration from the environment (nginx/render.sh: HTTP_PORT,
# API_UPSTREAM, FRONTEND_UPSTREAM, BASIC_AUTH_USER/BASIC_AUTH_PASSWORD, TLS_CERT_FILE/
# TLS_KEY_FILE, API_RATE_LIMIT, ...) into NGINX_CONF_DIR [/tmp/nginx], checks it, and runs
# nginx in the foreground. `nginx -s reload` is not needed: restart the container.
set -eu
dir=${NGINX_CONF_DIR:-/tmp/nginx}
/opt/server-dashboard/nginx/render.sh "$dir" >/dev/null
nginx -e stderr -t -q -c "$dir/nginx.conf"
exec nginx -e stderr -c "$dir/nginx.conf"
