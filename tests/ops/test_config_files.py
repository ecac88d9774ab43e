"""The deployment files follow the rules operators rely on (README «Operations»).

No Docker engine runs on CI, so `docker compose config` cannot run there: these tests read the
compose file and check its rules instead. The Kubernetes base is rendered (kustomize when kubectl is
installed, else the same resources read in Python) and every object is validated against the
Kubernetes API schemas with kubernetes-validate.
"""

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBE = ROOT / "deploy" / "kubernetes"


# --- .env.example ---------------------------------------------------------------------------------


def _env_reads(path: Path) -> set[str]:
    """Names read through django-environ (`env(...)`, `env.int(...)`…) or os.environ in one file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        is_env = (isinstance(func, ast.Name) and func.id in {"env", "_int"}) or (
            isinstance(func, ast.Attribute)
            and (
                (isinstance(func.value, ast.Name) and func.value.id == "env")
                or (func.attr in {"get", "getenv"} and "environ" in ast.unparse(func.value))
            )
        )
        if is_env and re.fullmatch(r"[A-Z][A-Z0-9_]+", first.value):
            names.add(first.value)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
    return names - {"DJANGO_SETTINGS_MODULE"}


def _documented() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_env_example_lists_every_variable_the_settings_gunicorn_and_probes_read():
    files = [*sorted((ROOT / "config" / "settings").glob("*.py")), ROOT / "gunicorn.conf.py",
             ROOT / "core" / "probe.py", ROOT / "core" / "metrics.py"]
    read = set().union(*(_env_reads(f) for f in files))
    assert {"TRUSTED_PROXY_COUNT", "CACHE_URL", "OUTBOX_RETENTION_DAYS", "WEB_CONCURRENCY"} <= read
    assert len(read) >= 80
    missing = sorted(read - _documented())
    assert not missing, f"add these to .env.example with their default and meaning: {missing}"


def test_the_env_reader_finds_a_new_variable(tmp_path):
    """The check above would notice a new env(...) call (guards the guard)."""
    probe = tmp_path / "settings.py"
    probe.write_text('X = env.int("NEW_KNOB", default=1)\nY = env("OTHER")\nZ = os.environ.get("THIRD")\n')
    assert _env_reads(probe) == {"NEW_KNOB", "OTHER", "THIRD"}
    assert "NEW_KNOB" not in _documented()


# --- docker-compose.yml ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _seconds(value: str) -> int:
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", value)
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


APP_SERVICES = ("migrate", "web", "worker", "beat")


def test_compose_lets_env_point_at_external_services(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert {"path": ".env", "required": False} in service["env_file"]
        environment = service["environment"]
        for var in ("DATABASE_URL", "REDIS_URL", "CACHE_URL"):
            # Only a default: a value in .env (or the shell) replaces the bundled service's address.
            assert re.fullmatch(rf"\$\{{{var}:-[^}}]+\}}", environment[var]), (name, var, environment[var])
        for dependency in ("db", "redis", "cache"):
            assert service["depends_on"][dependency]["required"] is False
    for bundled in ("db", "redis", "cache"):
        assert compose["services"][bundled]["profiles"] == ["bundled"]
    assert "COMPOSE_PROFILES=bundled" in (ROOT / ".env.example").read_text().splitlines()


def test_compose_requires_shop_url_hosts_and_secrets(compose):
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        for var in ("SHOP_URL", "ALLOWED_HOSTS", "SECRET_KEY", "IDP_OIDC_PRIVATE_KEY"):
            assert re.fullmatch(rf"\$\{{{var}:\?[^}}]+\}}", environment[var]), (name, var)
    assert "localhost" not in str(compose["x-app"]["environment"]["SHOP_URL"])


def test_compose_binds_the_web_port_to_loopback_by_default(compose):
    (port,) = compose["services"]["web"]["ports"]
    assert port.startswith("${WEB_BIND:-127.0.0.1}:")
    assert compose["services"]["web"]["command"] == ["gunicorn", "config.wsgi"]


def test_compose_splits_the_broker_and_an_evicting_cache(compose):
    broker = compose["services"]["redis"]["command"]
    cache = compose["services"]["cache"]["command"]
    assert broker[broker.index("--maxmemory-policy") + 1] == "noeviction"
    assert broker[broker.index("--appendonly") + 1] == "yes"
    assert cache[cache.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert "--maxmemory" in cache


def test_compose_grace_periods_outlast_requests_and_tasks(compose):
    from django.conf import settings

    gunicorn = _gunicorn_config({})
    assert _seconds(compose["services"]["web"]["stop_grace_period"]) > gunicorn["graceful_timeout"]
    assert _seconds(compose["services"]["worker"]["stop_grace_period"]) > settings.CELERY_TASK_TIME_LIMIT


def test_compose_health_checks_web_worker_and_beat(compose):
    services = compose["services"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["worker"]["healthcheck"]["test"] == ["CMD", "python", "-m", "core.probe", "worker"]
    assert services["beat"]["healthcheck"]["test"] == ["CMD", "python", "-m", "core.probe", "beat"]
    for name in ("db", "redis", "cache", "web", "worker", "beat"):
        assert not services[name]["healthcheck"].get("disable"), name


def test_dockerfile_leaves_gunicorn_settings_to_gunicorn_conf():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "config.wsgi"]' in dockerfile
    assert "--workers" not in dockerfile and "--forwarded-allow-ips" not in dockerfile


# --- gunicorn.conf.py -----------------------------------------------------------------------------


def _gunicorn_config(env: dict) -> dict:
    """gunicorn's own reading of gunicorn.conf.py under the given environment."""
    import os

    from gunicorn.app.base import Application

    class Probe(Application):
        def init(self, parser, opts, args):
            return {}

        def load(self):  # never called
            raise NotImplementedError

        def load_config(self):  # only the file, not this test run's command line
            self.load_config_from_file(str(ROOT / "gunicorn.conf.py"))

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        cfg = Probe().cfg
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    names = ("workers", "threads", "timeout", "graceful_timeout", "max_requests", "max_requests_jitter",
             "forwarded_allow_ips", "access_log_format", "accesslog", "logger_class", "bind")
    return {name: getattr(cfg, name) for name in names}


def test_gunicorn_conf_reads_its_settings_from_the_environment():
    default = _gunicorn_config({})
    assert (default["workers"], default["timeout"], default["max_requests"]) == (3, 30, 20000)
    assert default["max_requests_jitter"] > 0
    assert default["forwarded_allow_ips"] == ["127.0.0.1", "::1"]
    assert "%({x-request-id}o)s" in default["access_log_format"] and default["accesslog"] == "-"
    tuned = _gunicorn_config({"WEB_CONCURRENCY": "7", "GUNICORN_TIMEOUT": "45", "GUNICORN_MAX_REQUESTS": "50",
                              "FORWARDED_ALLOW_IPS": "10.0.0.1", "LOG_FORMAT": "json"})
    assert (tuned["workers"], tuned["timeout"], tuned["max_requests"]) == (7, 45, 50)
    assert tuned["forwarded_allow_ips"] == ["10.0.0.1"]
    assert tuned["logger_class"].__name__ == "JsonLogger"


# --- deploy/kubernetes ----------------------------------------------------------------------------


def _render_base() -> list[dict]:
    kubectl = shutil.which("kubectl")
    if kubectl:
        result = subprocess.run([kubectl, "kustomize", str(KUBE)], capture_output=True, text=True)
        if result.returncode == 0:
            return [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    # No kustomize here: the base only lists resources and adds one label, which is done here alike.
    kustomization = yaml.safe_load((KUBE / "kustomization.yaml").read_text())
    docs = []
    for resource in kustomization["resources"]:
        for doc in yaml.safe_load_all((KUBE / resource).read_text()):
            if doc:
                for pairs in kustomization.get("labels", []):
                    doc["metadata"].setdefault("labels", {}).update(pairs["pairs"])
                docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def kube():
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in _render_base()}


@pytest.mark.parametrize("version", ["1.30.0", "1.37.0"])
def test_kubernetes_base_is_valid_against_the_api_schemas(kube, version):
    import kubernetes_validate

    for doc in kube.values():
        kubernetes_validate.validate(doc, version, strict=True)  # raises on any error


def _container(kube, name):
    (container,) = kube[("Deployment", name)]["spec"]["template"]["spec"]["containers"]
    return container


def test_kubernetes_base_has_what_scaling_out_needs(kube):
    kinds = {kind for kind, _ in kube}
    assert {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job",
            "ConfigMap", "Secret"} <= kinds
    web = _container(kube, "nettbutikk-web")
    assert web["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert "livenessProbe" in web and "startupProbe" in web
    assert kube[("HorizontalPodAutoscaler", "nettbutikk-web")]["spec"]["scaleTargetRef"]["name"] == "nettbutikk-web"
    assert kube[("PodDisruptionBudget", "nettbutikk-web")]["spec"]["minAvailable"] >= 1
    worker = _container(kube, "nettbutikk-worker")
    assert worker["livenessProbe"]["exec"]["command"] == ["python", "-m", "core.probe", "worker"]
    beat = kube[("Deployment", "nettbutikk-beat")]
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"
    assert _container(kube, "nettbutikk-beat")["livenessProbe"]["exec"]["command"][-1] == "beat"
    job = kube[("Job", "nettbutikk-migrate")]["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["python", "manage.py", "migrate", "--noinput"]
    from django.conf import settings

    worker_grace = kube[("Deployment", "nettbutikk-worker")]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert worker_grace > settings.CELERY_TASK_TIME_LIMIT


def test_kubernetes_config_and_secret_name_only_known_settings(kube):
    """Every key in the ConfigMap and the Secret template is a variable .env.example documents."""
    keys = set(kube[("ConfigMap", "nettbutikk-config")]["data"]) | set(kube[("Secret", "nettbutikk-secrets")]["stringData"])
    assert not keys - _documented() - {"DJANGO_SETTINGS_MODULE"}
    for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CACHE_URL", "IDP_OIDC_PRIVATE_KEY", "METRICS_TOKEN"):
        assert required in kube[("Secret", "nettbutikk-secrets")]["stringData"]


def test_the_probes_do_not_start_django():
    """Health checks run every few seconds beside the real process: no settings, apps or database."""
    import sys

    code = "import sys, core.probe; print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'config')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
