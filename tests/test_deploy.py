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


def test_the_front_door_routes_only_the_channels_and_sticks_by_sender():
    ingress = find("Ingress", "carebot")
    paths = [p["path"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    assert paths == ["/webhooks/"]
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$http_x_sender_id"


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
