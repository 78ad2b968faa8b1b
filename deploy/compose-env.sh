#!/usr/bin/env bash
# Runs a compose command with the passwords the stack needs (docs/configuration.md,
# "Generated passwords"). Every compose target of the Makefile goes through it:
#
#   deploy/compose-env.sh ENV_FILE COMMAND [ARG…]
#
# For each of POSTGRES_PASSWORD and API_DB_PASSWORD that neither the environment nor
# ENV_FILE sets (non-empty), the value comes from ENV_FILE.generated, the file beside
# ENV_FILE (.env -> .env.generated): made on first need with a random value, mode 600,
# and reused by every later run. The value reaches compose through the environment, which
# Compose v2 and docker-compose 1.29 both read before --env-file when they fill in
# ${VAR} in deploy/docker-compose.yml. Names and the path are reported, values never.
# A value set later in ENV_FILE or the environment wins over the generated one (the
# database keeps the password it was created with: docs/operations.md, "docker compose").
set -euo pipefail

env_file=${1:?usage: compose-env.sh ENV_FILE COMMAND [ARG…]}
shift
[ $# -gt 0 ] || { echo "usage: compose-env.sh ENV_FILE COMMAND [ARG…]" >&2; exit 2; }
generated=$env_file.generated
needed=(POSTGRES_PASSWORD API_DB_PASSWORD)

# The value of KEY in a dotenv file: the last KEY=… line, surrounding quotes removed.
file_value() {
    [ -f "$2" ] || return 0
    sed -n "s/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}$1[[:space:]]*=[[:space:]]*//p" "$2" | tail -n 1 |
        sed -e 's/[[:space:]]*$//' -e "s/^\"\(.*\)\"\$/\1/" -e "s/^'\(.*\)'\$/\1/"
}

missing=()
for key in "${needed[@]}"; do
    [ -z "${!key:-}" ] || continue
    [ -z "$(file_value "$key" "$env_file")" ] || continue
    missing+=("$key")
done

if [ ${#missing[@]} -gt 0 ]; then
    # one writer at a time (parallel make targets), and nothing readable by others
    made=$(
        umask 077
        exec 9>>"$generated"
        flock 9
        for key in "${missing[@]}"; do
            [ -z "$(file_value "$key" "$generated")" ] || continue
            value=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c 1-32)
            printf '%s=%s\n' "$key" "$value" >>"$generated"
            printf '%s ' "$key"
        done
    ) || { echo "compose-env: cannot write $generated" >&2; exit 1; }
    chmod 600 "$generated"
    if [ -n "$made" ]; then
        printf 'compose-env: generated %s into %s (mode 600; kept for every later run: back it up with .env)\n' \
            "${made% }" "$(cd "$(dirname "$generated")" && pwd)/$(basename "$generated")" >&2
    fi
    for key in "${missing[@]}"; do
        value=$(file_value "$key" "$generated")
        [ -n "$value" ] || { echo "compose-env: $key missing from $generated" >&2; exit 1; }
        export "$key=$value"
    done
fi

exec "$@"
