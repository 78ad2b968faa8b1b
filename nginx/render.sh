#!/bin/sh
# Writes nginx's configuration for this deployment from nginx.conf.template:
#
#   nginx/render.sh OUTPUT_DIR      -> OUTPUT_DIR/nginx.conf (+ OUTPUT_DIR/htpasswd)
#
# Every setting comes from the environment (docs/configuration.md), with the native defaults:
#   HTTP_PORT [8080]                 NGINX_LISTEN_ADDRESS [0.0.0.0]
#   API_UPSTREAM [127.0.0.1:5000]    FRONTEND_UPSTREAM [127.0.0.1:3000]
#   BASIC_AUTH_USER, BASIC_AUTH_PASSWORD   both set: basic auth on everything but /nginx-health
#   TLS_CERT_FILE, TLS_KEY_FILE      both set: HTTPS on HTTPS_PORT [8443], HTTP_PORT redirects to it
#   API_RATE_LIMIT [20r/s], API_RATE_BURST [100]   per client address on /api/
#   NGINX_RUNTIME_DIR [OUTPUT_DIR/run]  pid file and temp folders (created)
#   NGINX_DAEMON [off], NGINX_ERROR_LOG [stderr], NGINX_ACCESS_LOG [off; e.g. /dev/stdout]
#   NGINX_MIME_TYPES [/etc/nginx/mime.types], NGINX_HTML_DIR [OUTPUT_DIR/html: a copy of the
#   pages in nginx/html next to this script, so nginx's workers — an unprivileged user — read
#   them even when this script's folder is out of their reach (a clone in a mode-0700 folder)]
# The password is never printed; htpasswd holds only its SHA-512 crypt hash.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: nginx/render.sh OUTPUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)

http_port=${HTTP_PORT:-8080}
address=${NGINX_LISTEN_ADDRESS:-0.0.0.0}
runtime=${NGINX_RUNTIME_DIR:-$out/run}
html=${NGINX_HTML_DIR:-}
access_log=${NGINX_ACCESS_LOG:-off}
rate=${API_RATE_LIMIT:-20r/s}
burst=${API_RATE_BURST:-100}

case $http_port in *[!0-9]*|'') echo "render.sh: HTTP_PORT must be a port number, got '$http_port'" >&2; exit 2 ;; esac
case $rate in *r/s|*r/m) ;; *) echo "render.sh: API_RATE_LIMIT must look like 20r/s or 600r/m, got '$rate'" >&2; exit 2 ;; esac
case $burst in *[!0-9]*|'') echo "render.sh: API_RATE_BURST must be a whole number, got '$burst'" >&2; exit 2 ;; esac
mkdir -p "$runtime"
if [ -z "$html" ]; then
    html=$out/html
    rm -rf "$html"
    mkdir -p "$html"
    cp -R "$here/html/." "$html/"
    chmod -R a+rX "$html"
fi

basic_auth=""
rm -f "$out/htpasswd"
if [ -n "${BASIC_AUTH_USER:-}" ] || [ -n "${BASIC_AUTH_PASSWORD:-}" ]; then
    if [ -z "${BASIC_AUTH_USER:-}" ] || [ -z "${BASIC_AUTH_PASSWORD:-}" ]; then
        echo "render.sh: set both BASIC_AUTH_USER and BASIC_AUTH_PASSWORD, or neither" >&2
        exit 2
    fi
    case $BASIC_AUTH_USER in *:*) echo "render.sh: BASIC_AUTH_USER cannot contain ':'" >&2; exit 2 ;; esac
    hash=$(printf '%s\n' "$BASIC_AUTH_PASSWORD" | openssl passwd -6 -stdin)
    umask 077
    printf '%s:%s\n' "$BASIC_AUTH_USER" "$hash" >"$out/htpasswd"
    umask 022
    chmod 644 "$out/htpasswd"
    basic_auth="        auth_basic \"Server Dashboard\";
        auth_basic_user_file $out/htpasswd;"
fi

listen="$address:$http_port"
tls=""
hsts=""
redirect=""
if [ -n "${TLS_CERT_FILE:-}" ] || [ -n "${TLS_KEY_FILE:-}" ]; then
    if [ ! -r "${TLS_CERT_FILE:-}" ] || [ ! -r "${TLS_KEY_FILE:-}" ]; then
        echo "render.sh: TLS needs both TLS_CERT_FILE and TLS_KEY_FILE, readable" >&2
        exit 2
    fi
    https_port=${HTTPS_PORT:-8443}
    listen="$address:$https_port ssl"
    tls="        ssl_certificate $TLS_CERT_FILE;
        ssl_certificate_key $TLS_KEY_FILE;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:tls:10m;"
    hsts="        add_header Strict-Transport-Security \"max-age=31536000\" always;"
    redirect="    server {
        listen $address:$http_port;
        location = /nginx-health { access_log off; default_type text/plain; return 200 \"ok\\n\"; }
        location / { return 301 https://\$host:$https_port\$request_uri; }
    }"
fi

# Multi-line values go in through awk (sed cannot take them portably).
awk \
    -v daemon="${NGINX_DAEMON:-off}" -v runtime="$runtime" -v error_log="${NGINX_ERROR_LOG:-stderr}" \
    -v access_log="$access_log" -v mime="${NGINX_MIME_TYPES:-/etc/nginx/mime.types}" \
    -v api="${API_UPSTREAM:-127.0.0.1:5000}" -v frontend="${FRONTEND_UPSTREAM:-127.0.0.1:3000}" \
    -v listen="$listen" -v tls="$tls" -v hsts="$hsts" -v redirect="$redirect" -v auth="$basic_auth" \
    -v html="$html" -v rate="$rate" -v burst="$burst" '
    {
        gsub(/@DAEMON@/, daemon); gsub(/@RUNTIME_DIR@/, runtime); gsub(/@ERROR_LOG@/, error_log)
        gsub(/@ACCESS_LOG@/, access_log); gsub(/@MIME_TYPES@/, mime); gsub(/@API_UPSTREAM@/, api)
        gsub(/@FRONTEND_UPSTREAM@/, frontend); gsub(/@LISTEN@/, listen); gsub(/@HTML_DIR@/, html)
        gsub(/@API_RATE_LIMIT@/, rate); gsub(/@API_RATE_BURST@/, burst)
        if ($0 == "@TLS_SERVER@") { if (tls != "") print tls; next }
        if ($0 == "@HSTS@") { if (hsts != "") print hsts; next }
        if ($0 == "@BASIC_AUTH@") { if (auth != "") print auth; next }
        if ($0 == "@REDIRECT_SERVER@") { if (redirect != "") print redirect; next }
        print
    }' "$here/nginx.conf.template" >"$out/nginx.conf"
echo "$out/nginx.conf"
