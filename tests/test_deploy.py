"""The production path (deploy/): Kubernetes manifests valid against the API schemas
(kubernetes-validate ships them, so this runs offline), wired to each other and to
endpoints.cluster.yml, and Dockerfiles that copy only what exists."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

import kubernetes_validate  # noqa: E402  (in the lock; ships the schemas)

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.28.0"   # the newest schemas kubernetes-validate 1.28 ships
ENV_VAR = re.compile(r"\$\{([A-Z0-9_]+)\}")


def documents() -> list[tuple[str, dict]]:
    return [(path.name, doc) for path in sorted(K8S.glob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text()) if doc]


def find(kind: str, name: str) -> dict:
    matches = [doc for _, doc in documents() if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


def workloads() -> list[dict]:
    return [doc for _, doc in documents() if doc["kind"] in ("Deployment", "StatefulSet")]


@pytest.mark.parametrize("where,doc", documents(), ids=lambda v: v if isinstance(v, str) else v["kind"])
def test_every_manifest_is_valid_kubernetes(where, doc):
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validator_catches_a_broken_manifest():
    broken = find("Deployment", "rasa")
    broken = {**broken, "spec": {**broken["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_two_or_more_rasa_servers_and_never_below_two():
    assert find("Deployment", "rasa")["spec"]["replicas"] >= 2
    assert find("HorizontalPodAutoscaler", "rasa")["spec"]["minReplicas"] >= 2
    assert find("PodDisruptionBudget", "rasa")["spec"]["minAvailable"] >= 1


@pytest.mark.parametrize("workload", workloads(), ids=lambda w: w["metadata"]["name"])
def test_every_container_has_probes_and_resource_requests(workload):
    for container in workload["spec"]["template"]["spec"]["containers"]:
        assert "readinessProbe" in container and "livenessProbe" in container, container["name"]
        requests = container["resources"]["requests"]
        assert {"cpu", "memory"} <= set(requests), container["name"]
        assert "memory" in container["resources"].get("limits", {}), container["name"]


def test_each_store_and_the_action_server_is_a_service():
    for name in ("rasa", "actions", "postgres", "redis"):
        find("Service", name)


def test_the_sms_token_and_the_hashing_key_are_secrets_given_to_rasa():
    secret = find("Secret", "carebot-secrets")
    assert {"SMS_AUTH_TOKEN", "SENDER_HASH_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD"} <= set(secret["stringData"])
    config = find("ConfigMap", "carebot-config")
    assert not {"SMS_AUTH_TOKEN", "SENDER_HASH_KEY"} & set(config["data"]), "secrets must not sit in the ConfigMap"
    rasa = find("Deployment", "rasa")["spec"]["template"]["spec"]["containers"][0]
    assert {"secretRef": {"name": "carebot-secrets"}} in rasa["envFrom"]


def test_rasa_gets_every_setting_endpoints_cluster_reads():
    needed = set(ENV_VAR.findall((ROOT / "endpoints.cluster.yml").read_text()))
    given = set(find("ConfigMap", "carebot-config")["data"]) | set(find("Secret", "carebot-secrets")["stringData"])
    assert needed and needed <= given, f"missing: {sorted(needed - given)}"


def test_hosts_in_the_config_are_the_services():
    data = find("ConfigMap", "carebot-config")["data"]
    assert urlsplit(data["ACTION_SERVER_URL"]).hostname == "actions"
    assert urlsplit(data["ACTION_SERVER_URL"]).port == find("Service", "actions")["spec"]["ports"][0]["port"]
    assert data["POSTGRES_HOST"] == "postgres" and int(data["POSTGRES_PORT"]) == 5432
    assert data["REDIS_HOST"] == "redis" and int(data["REDIS_PORT"]) == 6379


# -- every setting the code reads reaches the pods --------------------------------------
CODE = [path for folder in ("bot", "actions") for path in sorted((ROOT / folder).rglob("*.py"))]
ENV_READ = re.compile(r"""(?:\bos\.environ\.get|\bos\.getenv|\benviron\.get|\benv\.get)\(\s*([^,)]+)"""
                      r"""|\bos\.environ\[\s*([^\]]+)\]""")
LITERAL = re.compile(r"""^(["'])([A-Z][A-Z0-9_]+)\1$""")
# Read by the code but not by anything deploy/k8s runs, each with its reason.
NOT_DEPLOYED = {
    "RASA_PORT": "the chat page reads it only when BOT_URL is unset; the cluster sets BOT_URL",
    "REMINDER_DB_URL": "optional: unset, reminders use the tracker database every pod shares",
}
# Reads whose name is not one setting: ${NAME} in an endpoints file (checked below).
EXPANSIONS = {("bot/privacy/retention.py", "m.group(1")}
# Read by Rasa or Sanic themselves, not by this code.
THEIRS = {"RASA_TELEMETRY_ENABLED", "SANIC_WORKERS"}


def _constant(source: str, name: str, depth: int = 0) -> str | None:
    """The string a module-level constant holds: `NAME = "X"`, `A, NAME = "W", "X"`, or
    the same in the module it is imported from (`from bot.x import NAME`)."""
    for match in re.finditer(r"^([A-Z_][A-Z0-9_]*(?:\s*,\s*[A-Z_][A-Z0-9_]*)*)\s*=\s*(.+)$", source, re.M):
        targets = [t.strip() for t in match.group(1).split(",")]
        values = re.findall(r"""(["'])([A-Z][A-Z0-9_]+)\1""", match.group(2))
        if name in targets and len(values) == len(targets):
            return values[targets.index(name)][1]
    imported = re.search(rf"^from ([\w.]+) import [^\n]*\b{name}\b", source, re.M)
    if imported and depth < 3:
        module = ROOT / (imported.group(1).replace(".", "/") + ".py")
        if module.exists():
            return _constant(module.read_text(), name, depth + 1)
    return None


def _resolve(source: str, line: str, argument: str) -> list[str] | None:
    """The setting names one read can mean: a literal, a module constant, or the keys
    of the dict a loop reads them from (`for name, default in DEFAULTS.items()`)."""
    if match := LITERAL.match(argument):
        return [match.group(2)]
    if not re.fullmatch(r"[A-Za-z_]\w*", argument):
        return None
    if value := _constant(source, argument):
        return [value]
    if match := re.search(rf"for {argument}(?:, \w+)? in (\w+)(?:\.items\(\))?", line):
        block = re.search(rf"^{match.group(1)}\s*=\s*[{{(\[](.*?)^[}})\]]", source, re.M | re.S)
        if block:
            return re.findall(r"""["']([A-Z][A-Z0-9_]+)["']\s*:""", block.group(1))
    return None


def settings_the_code_reads() -> dict[str, set[str]]:
    """Every environment variable read in bot/ and actions/, with the files reading it."""
    found: dict[str, set[str]] = {}
    unresolved = []
    for path in CODE:
        source = path.read_text()
        where = str(path.relative_to(ROOT))
        for line in source.splitlines():
            for match in ENV_READ.finditer(line):
                argument = (match.group(1) or match.group(2)).strip()
                if (where, argument) in EXPANSIONS:
                    continue
                names = _resolve(source, line, argument)
                if not names:
                    unresolved.append(f"{where}: {line.strip()}")
                for name in names or []:
                    found.setdefault(name, set()).add(where)
    assert not unresolved, ("name each setting literally or as a module constant, so this test can "
                            f"check it reaches the pods: {unresolved}")
    return found


def given_to_rasa() -> set[str]:
    return set(find("ConfigMap", "carebot-config")["data"]) | set(find("Secret", "carebot-secrets")["stringData"])


def test_the_grep_finds_the_settings_read_every_way_the_code_reads_them():
    read = settings_the_code_reads()
    assert {"KEEP_USER_TEXT", "RETENTION_DAYS"} <= set(read)        # literal names
    assert {"SENDER_HASH_KEY", "SMS_STATE_DB"} <= set(read)         # module constants
    assert {"SMS_GATEWAY_URL", "SMS_ACCOUNT_SID", "SMS_FROM_NUMBER"} <= set(read)  # a dict of defaults
    assert {"SMS_PUBLIC_URL", "BOT_ENV", "PURGE_IN_SERVER", "PURGE_EVERY_HOURS"} <= set(read)


def test_every_setting_the_code_reads_is_in_the_config_map_or_the_secret():
    read = settings_the_code_reads()
    missing = {name: sorted(files) for name, files in read.items()
               if name not in given_to_rasa() and name not in NOT_DEPLOYED}
    assert not missing, f"add these to deploy/k8s/00-config.yaml (or the Secret): {missing}"


def test_the_exceptions_are_still_read_and_still_not_given():
    read = settings_the_code_reads()
    assert set(NOT_DEPLOYED) <= set(read), "a setting no longer read: drop it from NOT_DEPLOYED"
    assert not set(NOT_DEPLOYED) & given_to_rasa(), "given after all: drop it from NOT_DEPLOYED"


def test_the_chat_page_is_served_on_the_bots_own_host():
    # The Ingress sends the bot's paths to Rasa and the rest to the chat page, and the
    # page talks to the bot at that same host: one origin, so Rasa needs no CORS.
    find("Service", "web")
    ingress = find("Ingress", "carebot")
    [rule] = ingress["spec"]["rules"]
    backends = {path["path"]: path["backend"]["service"]["name"] for path in rule["http"]["paths"]}
    assert backends == {"/webhooks/": "rasa", "/": "web"}
    data = find("ConfigMap", "carebot-config")["data"]
    assert urlsplit(data["BOT_URL"]).hostname == rule["host"] and urlsplit(data["BOT_URL"]).scheme == "https"
    web = find("Deployment", "web")["spec"]["template"]["spec"]["containers"][0]
    assert web["command"] == ["python", "-m", "bot.web.server"] and data["WEB_INTERFACE"] == "0.0.0.0"
    assert web["ports"][0]["containerPort"] == int(data["WEB_PORT"])


def test_the_config_map_holds_no_setting_nothing_reads():
    needed = set(settings_the_code_reads()) | set(ENV_VAR.findall((ROOT / "endpoints.cluster.yml").read_text()))
    unread = set(find("ConfigMap", "carebot-config")["data"]) - needed - THEIRS
    assert not unread, f"a typo, or a setting nothing reads: {sorted(unread)}"


def test_production_settings_in_the_cluster():
    data = find("ConfigMap", "carebot-config")["data"]
    assert data["BOT_ENV"] == "production"
    assert data["SMS_STATE_DB"] == "tracker"   # shared by every pod, not a per-pod file
    assert urlsplit(data["SMS_PUBLIC_URL"]).scheme == "https"
    host = find("Ingress", "carebot")["spec"]["rules"][0]["host"]
    assert urlsplit(data["SMS_PUBLIC_URL"]).hostname == host
    assert urlsplit(data["SMS_PUBLIC_URL"]).path == "/webhooks/sms/webhook"
    assert data["PURGE_IN_SERVER"] == "off"   # the CronJob runs it


def test_the_image_runs_in_production_mode_with_shared_sms_records():
    text = (ROOT / "deploy" / "Dockerfile.bot").read_text()
    assert "BOT_ENV=production" in text and "SMS_STATE_DB=tracker" in text


# -- the front door routes SMS by sender, as the local nginx does -------------------------
def between_markers(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    start, end = lines.index("# BEGIN conversation key"), lines.index("# END conversation key")
    return [line for line in lines[start:end + 1] if line]


def test_the_front_door_routes_only_the_channels_to_rasa_and_sticks_by_sender():
    ingress = find("Ingress", "carebot")
    to_rasa = [p["path"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]
               if p["backend"]["service"]["name"] == "rasa"]
    assert to_rasa == ["/webhooks/"]  # none of Rasa's other endpoints; "/" is the chat page
    annotations = ingress["metadata"]["annotations"]
    key = annotations["nginx.ingress.kubernetes.io/upstream-hash-by"]
    local = (ROOT / "scripts" / "cluster" / "nginx.conf.template").read_text()
    assert re.search(rf"hash \{key} consistent;", local), "hash on what the local nginx hashes on"
    snippet = find("ConfigMap", "ingress-nginx-controller")["data"]["http-snippet"]
    assert re.search(rf"map \S+ \{key} \{{", snippet), f"the controller must define {key}"


def test_the_controller_reads_the_sender_with_the_local_nginxs_lines():
    local = between_markers((ROOT / "scripts" / "cluster" / "nginx.conf.template").read_text())
    k8s = between_markers(find("ConfigMap", "ingress-nginx-controller")["data"]["http-snippet"])
    assert k8s == local
    assert any("From=" in line for line in local) and any("sender" in line for line in local)


def test_the_body_the_sender_is_read_from_stays_in_one_buffer():
    annotations = find("Ingress", "carebot")["metadata"]["annotations"]
    local = (ROOT / "scripts" / "cluster" / "nginx.conf.template").read_text()
    buffer = re.search(r"client_body_buffer_size (\S+);", local).group(1)
    assert annotations["nginx.ingress.kubernetes.io/client-body-buffer-size"] == buffer
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == buffer


# -- the purge runs once a day for the region ----------------------------------------------
def test_the_purge_is_a_daily_cronjob_with_the_servers_settings():
    job = find("CronJob", "carebot-purge")
    assert job["spec"]["concurrencyPolicy"] == "Forbid"
    minute, hour, *every_day = job["spec"]["schedule"].split()
    assert every_day == ["*", "*", "*"] and minute.isdigit() and hour.isdigit()
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == find("Deployment", "rasa")["spec"]["template"]["spec"]["containers"][0]["image"]
    assert container["command"][:3] == ["python", "-m", "bot.purge"] and "endpoints.cluster.yml" in container["command"]
    assert {"configMapRef": {"name": "carebot-config"}} in container["envFrom"]
    assert {"secretRef": {"name": "carebot-secrets"}} in container["envFrom"]
    assert {"cpu", "memory"} <= set(container["resources"]["requests"]) and "memory" in container["resources"]["limits"]
    assert pod["securityContext"]["runAsNonRoot"] is True


@pytest.mark.parametrize("dockerfile", ["Dockerfile.bot", "Dockerfile.actions"])
def test_dockerfiles_copy_files_that_exist_and_start_the_right_server(dockerfile):
    text = (ROOT / "deploy" / dockerfile).read_text()
    sources = [part for line in text.splitlines() if line.startswith("COPY ")
               for part in line.split()[1:-1] if not part.startswith("--")]
    assert sources
    for source in sources:
        if source != "models/current.tar.gz":   # made by `make train` before the build
            assert (ROOT / source).exists(), source
    cmd = next(line for line in text.splitlines() if line.startswith("CMD"))
    if dockerfile == "Dockerfile.bot":
        assert "endpoints.cluster.yml" in text.split("CMD", 1)[1] and "--enable-api" not in cmd
    else:
        assert '"actions"' in cmd
