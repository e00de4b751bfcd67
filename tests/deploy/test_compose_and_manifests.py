"""The deployment files, checked by parsing them (no Docker engine or cluster runs here).

docker-compose.yml, deploy/docker/Dockerfile (+ .dockerignore) and deploy/k8s/*.yaml must agree
with the code: every container command is ``python -m <package> <subcommand>`` where the package
is importable and the subcommand belongs to its click group ``cli`` (in ``<package>/__main__.py``,
which must not run the CLI on import); every environment variable carries the package's prefix,
names a field of its settings class, and the whole environment validates; references between
services, Services and Deployments, ports and probes resolve; no secret is written down; and
every service that has a CLI is deployed. Nothing is skipped: a missing module is a failure.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import json
import os
import re
import shlex
import tomllib
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import click
import pytest
import yaml

from shared.config import DEVELOPMENT_JWT_SECRET, ServiceSettings

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = "deploy/docker/Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
K8S_DIR = REPO / "deploy" / "k8s"
POSTGRES_INIT_DIR = REPO / "deploy" / "docker" / "postgres-init"

# The port each service listens on (ARCHITECTURE / the services' settings defaults).
SERVICE_PORTS = {"gateway": 8000, "org": 8001, "crm": 8002, "telesales": 8003, "appraisal": 8004, "payroll": 8005}
# Processes of a service that run continuously or once per release: each must be deployed when the
# service's CLI has it. (`worker` is relay + consumers in one process, for development; `seed-admin`
# is run by hand.)
DEPLOYED_PROCESSES = {"api", "relay", "consume", "intake", "migrate"}
HTTP_PROCESSES = {"api", "intake"}
# An HTTP process other than a service's API scales on its own: it listens on its own port (the
# setting `<process>_port`) and the gateway routes it as "<service>-<process>" (as
# deploy/devstack/run.py's EXTRA_HTTP_PROCESSES does).
PROCESS_PORTS = {("telesales", "intake"): 8006}
PROBE_PATHS = {"/healthz", "/readyz"}
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|PRIVATE_KEY|API_KEY|DIGEST_KEY)$")
REQUIRED_SUBSTITUTION = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*):?\?[^}]*\}$")
# Values given to compose's ${VAR} when the test resolves an environment (a real run must set them).
SAMPLE_VARIABLES = {
    "JWT_SECRET": "s" * 48,
    "PHONE_DIGEST_KEY": "d" * 48,
    "POSTGRES_PASSWORD": "pg-password-for-the-test",
}
SAMPLE_SECRET_VALUES = {"jwt-secret": "k" * 48, "phone-digest-key": "p" * 48}


def prefix_of(package: str) -> str:
    return f"{package.upper()}_"


def port_of(package: str) -> int:
    assert package in SERVICE_PORTS, f"no port is known for {package!r}: add it to SERVICE_PORTS"
    return SERVICE_PORTS[package]


def http_port_of(package: str, subcommand: str) -> int:
    """The port the HTTP process `python -m <package> <subcommand>` must listen on."""
    if subcommand == "api":
        return port_of(package)
    assert (package, subcommand) in PROCESS_PORTS, \
        f"no port is known for `python -m {package} {subcommand}`: add it to PROCESS_PORTS"
    return PROCESS_PORTS[(package, subcommand)]


def port_setting(settings: ServiceSettings, subcommand: str) -> int:
    """The configured port of an HTTP process: `port` for the API, `<process>_port` otherwise."""
    field = "port" if subcommand == "api" else f"{subcommand}_port"
    assert field in type(settings).model_fields, f"{type(settings).__qualname__} has no field {field!r}"
    return getattr(settings, field)


def route_of(package: str, subcommand: str) -> str:
    """The gateway's name for an HTTP process (GATEWAY_SERVICES key)."""
    return package if subcommand == "api" else f"{package}-{subcommand}"


# ----------------------------------------------------------------------------- loading


@functools.cache
def compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE} is missing"
    document = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(document, dict) and isinstance(document.get("services"), dict), \
        "docker-compose.yml must be a mapping with a `services` mapping"
    return document


def compose_services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def k8s_files() -> list[Path]:
    return sorted([*K8S_DIR.glob("*.yaml"), *K8S_DIR.glob("*.yml")])


@functools.cache
def k8s_documents() -> tuple[tuple[str, dict[str, Any]], ...]:
    """(file name, document) for every non-empty document of every deploy/k8s/*.yaml."""
    found = []
    for path in k8s_files():
        for document in yaml.safe_load_all(path.read_text()):
            if document is None:
                continue
            assert isinstance(document, dict), f"{path.name}: a document that is not a mapping"
            found.append((path.name, document))
    return tuple(found)


def k8s_objects(kind: str | None = None) -> list[dict[str, Any]]:
    return [doc for _, doc in k8s_documents() if doc.get("kind") != "Kustomization"
            and (kind is None or doc.get("kind") == kind)]


def k8s_named(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in k8s_objects(kind)}


@functools.cache
def load_cli(package: str) -> click.Group:
    """The click group ``cli`` of ``<package>/__main__.py``; fails (never skips) when it is missing."""
    try:
        spec = importlib.util.find_spec(package)
    except ModuleNotFoundError:
        spec = None
    assert spec is not None, f"package {package!r} is not importable (is it in pyproject's packages.find?)"
    main_spec = importlib.util.find_spec(f"{package}.__main__")
    assert main_spec is not None, f"{package}/__main__.py does not exist: `python -m {package}` cannot run"
    try:
        module = importlib.import_module(f"{package}.__main__")
    except SystemExit as exited:  # __main__ ran the CLI on import (click exits once it has parsed argv)
        pytest.fail(f"importing {package}.__main__ ran the CLI (exit {exited.code}); "
                    f"guard it with `if __name__ == \"__main__\":`")
    group = getattr(module, "cli", None)
    assert isinstance(group, click.Group), f"{package}.__main__ must expose a click Group named `cli`"
    return group


def parse_command(command: Any, where: str) -> tuple[str, str, list[str]]:
    """``python -m <package> <subcommand> [args…]`` -> (package, subcommand, args)."""
    words = shlex.split(command) if isinstance(command, str) else list(command or [])
    assert all(isinstance(word, str) for word in words), f"{where}: command words must be strings: {words!r}"
    assert len(words) >= 4 and words[0] in {"python", "python3"} and words[1] == "-m", \
        f"{where}: command must be `python -m <package> <subcommand>`, got {words!r}"
    return words[2], words[3], words[4:]


def check_command(package: str, subcommand: str, args: list[str], where: str) -> None:
    group = load_cli(package)
    command = group.commands.get(subcommand)
    assert command is not None, \
        f"{where}: `python -m {package} {subcommand}`: no such command (has: {', '.join(sorted(group.commands))})"
    try:  # the arguments and options must parse too (nothing is run)
        command.make_context(f"{package} {subcommand}", list(args))
    except click.ClickException as error:
        pytest.fail(f"{where}: `python -m {package} {subcommand} {' '.join(args)}`: {error.format_message()}")


def settings_class(package: str) -> type[ServiceSettings]:
    """The ServiceSettings subclass of ``package`` with the package's env prefix."""
    load_cli(package)  # imports the package's settings on the way

    def subclasses(cls: type) -> list[type]:
        return [cls, *(sub for direct in cls.__subclasses__() for sub in subclasses(direct))]

    found = {cls for cls in subclasses(ServiceSettings)
             if cls.__module__.split(".")[0] == package and cls.model_config.get("env_prefix") == prefix_of(package)}
    assert len(found) == 1, f"expected one settings class in {package} with env_prefix {prefix_of(package)!r}, " \
                            f"found {sorted(c.__qualname__ for c in found)}"
    return found.pop()


def migrations_dir(package: str) -> Path | None:
    """The Alembic directory `python -m <package> migrate` applies (from shared.cli.service_cli)."""
    command = load_cli(package).commands.get("migrate")
    if command is None:
        return None
    callback = inspect.unwrap(command.callback)
    paths = [value for value in inspect.getclosurevars(callback).nonlocals.values() if isinstance(value, Path)]
    assert len(paths) == 1, f"cannot tell which directory `python -m {package} migrate` uses " \
                            "(expected the `migrations` Path given to shared.cli.service_cli)"
    return paths[0]


def validate_settings(package: str, environment: dict[str, str], where: str,
                      monkeypatch: pytest.MonkeyPatch) -> ServiceSettings:
    """Every variable names a settings field, and the settings build from exactly this environment."""
    prefix = prefix_of(package)
    cls = settings_class(package)
    for name in environment:
        assert name.startswith(prefix), f"{where}: {name} lacks the {package} prefix {prefix}"
        field = name[len(prefix):].lower()
        assert field in cls.model_fields, f"{where}: {name} is not a setting of {cls.__qualname__} " \
                                          f"(no field {field!r}; a typo is silently ignored at runtime)"
    with monkeypatch.context() as patch:
        for name in list(os.environ):
            if name.upper().startswith(prefix):
                patch.delenv(name)
        for name, value in environment.items():
            patch.setenv(name, value)
        try:
            settings = cls()
        except Exception as error:  # pydantic's ValidationError, or a validator's ValueError
            pytest.fail(f"{where}: {cls.__qualname__} rejects this environment: {error}")
    assert settings.environment == "production", f"{where}: {prefix}ENVIRONMENT must be production"
    assert settings.jwt_secret != DEVELOPMENT_JWT_SECRET, f"{where}: the development JWT secret"
    return settings


# ----------------------------------------------------------------------------- compose helpers

_SUBSTITUTION = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value: Any, variables: dict[str, str]) -> str:
    """Compose's variable substitution: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, argument = match.group(2), match.group(3)
        if name in variables:
            return variables[name]
        if operator and operator.endswith("-"):
            return argument
        if operator and operator.endswith("?"):
            raise AssertionError(f"${{{name}}} is required ({argument}); the test has no sample value for it")
        return ""

    return _SUBSTITUTION.sub(replace, text)


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    """A compose service's environment as written (mapping or list form), values as strings."""
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        pairs = (item.split("=", 1) if "=" in item else (item, "") for item in environment)
        return {name: value for name, value in pairs}
    return {name: ("" if value is None else value if isinstance(value, str) else interpolate(value, {}))
            for name, value in environment.items()}


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """{service name: condition} of a compose service's depends_on (list or mapping form)."""
    value = service.get("depends_on") or {}
    if isinstance(value, list):
        return {name: "service_started" for name in value}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in value.items()}


def builds_app_image(service: dict[str, Any]) -> bool:
    build = service.get("build")
    if build is None:
        return False
    if isinstance(build, str):
        return (REPO / build / "Dockerfile").resolve() == (REPO / DOCKERFILE).resolve()
    context = REPO / build.get("context", ".")
    return (context / build.get("dockerfile", "Dockerfile")).resolve() == (REPO / DOCKERFILE).resolve()


def app_services() -> dict[str, dict[str, Any]]:
    return {name: service for name, service in compose_services().items() if builds_app_image(service)}


def compose_processes() -> dict[str, tuple[str, str, list[str]]]:
    return {name: parse_command(service.get("command"), f"compose service {name}")
            for name, service in app_services().items()}


# ----------------------------------------------------------------------------- compose


def test_compose_has_app_services_and_infrastructure() -> None:
    services = compose_services()
    assert app_services(), f"no compose service builds from {DOCKERFILE}"
    assert {"kafka", "postgres"} <= set(services), "compose needs the kafka and postgres services"
    assert services["postgres"]["image"].split(":")[0] == "postgres"
    assert services["postgres"]["image"].split(":")[1].startswith("16")


def test_kafka_runs_in_kraft_mode_without_zookeeper() -> None:
    services = compose_services()
    for name, service in services.items():
        assert "zookeeper" not in name.lower() and "zookeeper" not in str(service.get("image", "")).lower(), \
            f"compose service {name} is ZooKeeper: Kafka must run in KRaft mode"
    kafka = services["kafka"]
    assert str(kafka["image"]).startswith("apache/kafka:")
    environment = environment_of(kafka)
    assert not any("ZOOKEEPER" in name for name in environment)
    assert set(environment["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert environment["CLUSTER_ID"], "the apache/kafka image needs CLUSTER_ID in KRaft mode"
    node_id = str(environment["KAFKA_NODE_ID"])
    controller = environment["KAFKA_CONTROLLER_LISTENER_NAMES"]
    listeners = dict(item.split("://", 1) for item in environment["KAFKA_LISTENERS"].split(","))
    assert controller in listeners, "the controller listener must be among KAFKA_LISTENERS"
    voter_id, voter_address = environment["KAFKA_CONTROLLER_QUORUM_VOTERS"].split("@")
    assert voter_id == node_id
    assert voter_address.split(":")[1] == listeners[controller].rsplit(":", 1)[1], \
        "the quorum voter must point at the controller listener's port"
    protocol_map = dict(item.split(":") for item in environment["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(listeners) <= set(protocol_map)


def test_compose_build_references_the_dockerfile() -> None:
    for name, service in compose_services().items():
        build = service.get("build")
        if build is None:
            continue
        context = REPO / (build if isinstance(build, str) else build.get("context", "."))
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert context.is_dir(), f"compose service {name}: build context {context} does not exist"
        assert (context / dockerfile).is_file(), f"compose service {name}: {context / dockerfile} does not exist"
        assert builds_app_image(service), f"compose service {name} builds from {dockerfile}, not {DOCKERFILE}"
    images = {str(service.get("image")) for service in app_services().values()}
    assert len(images) == 1, f"the services built from {DOCKERFILE} must share one image tag: {images}"


@pytest.mark.parametrize("name", sorted(app_services()))
def test_compose_command_is_a_real_module_and_subcommand(name: str) -> None:
    package, subcommand, args = parse_command(compose_services()[name].get("command"), f"compose service {name}")
    check_command(package, subcommand, args, f"compose service {name}")


@pytest.mark.parametrize("name", sorted(app_services()))
def test_compose_environment_matches_the_package(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    service = compose_services()[name]
    package, subcommand, _ = compose_processes()[name]
    environment = {key: interpolate(value, SAMPLE_VARIABLES) for key, value in environment_of(service).items()}
    settings = validate_settings(package, environment, f"compose service {name}", monkeypatch)
    if subcommand in HTTP_PROCESSES:
        assert settings.host == "0.0.0.0", f"compose service {name}: {prefix_of(package)}HOST must be 0.0.0.0"
        port = port_setting(settings, subcommand)
        assert port == http_port_of(package, subcommand), f"compose service {name}: port {port}"
    if package != "gateway":
        assert settings.kafka_enable_idempotence, \
            f"compose service {name}: Apache Kafka supports the idempotent producer; set it on"
        kafka_hosts = {address.split(":")[0] for address in settings.kafka_bootstrap_servers.split(",")}
        assert kafka_hosts == {"kafka"}, f"compose service {name}: bootstrap servers {kafka_hosts}"
        kafka_advertised = environment_of(compose_services()["kafka"])["KAFKA_ADVERTISED_LISTENERS"]
        assert settings.kafka_bootstrap_servers in kafka_advertised
        database = urlsplit(settings.database_url)
        assert database.scheme == "postgresql+asyncpg", f"compose service {name}: {database.scheme}"
        assert database.hostname == "postgres" and (database.port or 5432) == 5432
        assert database.path.lstrip("/") == package, f"compose service {name}: one database per service"


def test_compose_depends_on_defined_services_with_the_right_conditions() -> None:
    services = compose_services()
    processes = compose_processes()
    allowed = {"service_started", "service_healthy", "service_completed_successfully"}
    for name, service in services.items():
        for target, condition in depends_on(service).items():
            assert target in services, f"compose service {name} depends on undefined service {target!r}"
            assert condition in allowed, f"compose service {name}: condition {condition!r}"
            if condition == "service_healthy":
                assert services[target].get("healthcheck"), f"{name} waits for {target} healthy, which has none"
            if condition == "service_completed_successfully":
                assert str(services[target].get("restart", "no")) == "no", f"{target} is one-shot: restart no"
    for name, (package, subcommand, _) in processes.items():
        needs = depends_on(services[name])
        if package == "gateway":
            continue
        assert needs.get("postgres") == "service_healthy", f"{name} must wait for postgres to be healthy"
        if subcommand == "migrate":
            assert str(services[name].get("restart")) == "no", f"{name} is a one-shot job: restart: \"no\""
            continue
        assert needs.get("kafka") == "service_healthy", f"{name} must wait for kafka to be healthy"
        migrations = [target for target, condition in needs.items() if condition == "service_completed_successfully"
                      and processes.get(target, ("", "", []))[:2] == (package, "migrate")]
        assert migrations, f"{name} must wait for `python -m {package} migrate` to complete successfully"


def test_compose_has_no_dependency_cycle() -> None:
    services = compose_services()
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        assert state.get(name) != "visiting", f"depends_on cycle: {' -> '.join([*path, name])}"
        state[name] = "visiting"
        for target in depends_on(services[name]):
            if target in services:
                visit(target, [*path, name])
        state[name] = "done"

    for name in services:
        visit(name, [])


def published_ports(service: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(host ip, host port, container port) of a compose service's published ports."""
    found = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            found.append((entry.get("host_ip", ""), int(entry["published"]), int(entry["target"])))
            continue
        text = str(entry).split("/")[0]
        parts = text.rsplit(":", 2)
        assert len(parts) >= 2, f"port {entry!r} publishes no fixed host port"
        host_ip = parts[0] if len(parts) == 3 else ""
        found.append((host_ip, int(parts[-2]), int(parts[-1])))
    return found


def test_compose_published_ports_do_not_collide() -> None:
    published = Counter()
    for name, service in compose_services().items():
        for host_ip, host_port, container_port in published_ports(service):
            published[(host_ip, host_port)] += 1
            if name in app_services():
                package, subcommand, _ = compose_processes()[name]
                assert container_port == http_port_of(package, subcommand), f"{name} publishes {container_port}"
    collisions = [port for port, count in published.items() if count > 1]
    assert not collisions, f"published ports used twice: {collisions}"
    gateway_ports = [published_ports(service) for name, service in app_services().items()
                     if compose_processes()[name][:2] == ("gateway", "api")]
    assert gateway_ports and any(port[1] == 8000 for ports in gateway_ports for port in ports), \
        "the gateway must be published on 8000"


def test_compose_http_processes_have_health_checks() -> None:
    dockerfile = dockerfile_instructions()
    installed = {destination for source, destination in copies(dockerfile)}
    for name, (package, subcommand, _) in compose_processes().items():
        if subcommand not in HTTP_PROCESSES:
            continue
        healthcheck = compose_services()[name].get("healthcheck")
        assert healthcheck and healthcheck.get("test"), f"{name} serves HTTP: it needs a healthcheck"
        test = healthcheck["test"]
        assert isinstance(test, list) and test[0] == "CMD", f"{name}: healthcheck test as an exec list"
        if test[1] == "healthcheck":
            assert "/usr/local/bin/healthcheck" in installed, "the Dockerfile must install the healthcheck helper"
            url = urlsplit(test[2])
        else:
            assert test[1] == "python" and test[2] == "-c", f"{name}: healthcheck helper or python -c"
            url = urlsplit(re.search(r"https?://[^'\"]+", test[3]).group(0))
        assert url.hostname in {"127.0.0.1", "localhost"}
        assert url.port == http_port_of(package, subcommand), f"{name}: healthcheck on port {url.port}"
        assert url.path in PROBE_PATHS, f"{name}: healthcheck path {url.path}"
    for name in ("kafka", "postgres"):
        assert compose_services()[name].get("healthcheck"), f"{name} needs a healthcheck"


def test_compose_writes_down_no_secret() -> None:
    text = COMPOSE_FILE.read_text()
    assert DEVELOPMENT_JWT_SECRET not in text
    jwt_sources = set()
    for name, service in compose_services().items():
        for key, value in environment_of(service).items():
            if SECRET_NAME.search(key):
                assert REQUIRED_SUBSTITUTION.match(value), \
                    f"compose service {name}: {key} must be a required substitution like ${{VAR:?message}}"
                if key.endswith("JWT_SECRET"):
                    jwt_sources.add(value)
            if key.endswith("DATABASE_URL"):
                substitutions: list[str] = []

                def mask(match: re.Match[str], found: list[str] = substitutions) -> str:
                    found.append(match.group(0))
                    return f"S{len(found) - 1}S"

                password = urlsplit(re.sub(r"\$\{[^}]*\}", mask, value)).password or ""
                token = re.fullmatch(r"S(\d+)S", password)
                assert token and REQUIRED_SUBSTITUTION.match(substitutions[int(token.group(1))]), \
                    f"compose service {name}: the password in {key} must be a required substitution ${{VAR:?…}}"
    assert len(jwt_sources) == 1, f"the gateway and the services must share one JWT secret: {jwt_sources}"


def test_compose_databases_are_created_by_the_init_script() -> None:
    postgres = compose_services()["postgres"]
    mounts = [str(volume) for volume in postgres.get("volumes") or []]
    init_mounts = [mount for mount in mounts if ":/docker-entrypoint-initdb.d" in mount]
    assert init_mounts, "postgres must mount the init scripts at /docker-entrypoint-initdb.d"
    source = REPO / init_mounts[0].split(":")[0]
    assert source.resolve() == POSTGRES_INIT_DIR.resolve() and source.is_dir()
    created = set()
    for script in POSTGRES_INIT_DIR.iterdir():
        created |= {match.lower() for match in re.findall(r"CREATE\s+DATABASE\s+\"?(\w+)", script.read_text(), re.I)}
    assert {"org", "crm", "telesales", "appraisal", "payroll"} <= created, f"databases created: {created}"
    for name, service in app_services().items():
        for key, value in environment_of(service).items():
            if key.endswith("DATABASE_URL"):
                database = urlsplit(interpolate(value, SAMPLE_VARIABLES)).path.lstrip("/")
                assert database in created, f"{name}: database {database!r} is not created by the init script"


def test_compose_gateway_routes_to_the_service_apis() -> None:
    processes = compose_processes()
    apis = {route_of(package, subcommand): name for name, (package, subcommand, _) in processes.items()
            if subcommand in HTTP_PROCESSES and package != "gateway"}
    gateways = [name for name, process in processes.items() if process[:2] == ("gateway", "api")]
    assert len(gateways) == 1, f"one gateway service expected, found {gateways}"
    gateway = compose_services()[gateways[0]]
    routes = json.loads(interpolate(environment_of(gateway)["GATEWAY_SERVICES"], SAMPLE_VARIABLES))
    assert set(routes) == set(apis), f"GATEWAY_SERVICES {sorted(routes)} must route to every api {sorted(apis)}"
    for route, url in routes.items():
        parts = urlsplit(url)
        assert parts.hostname == apis[route], f"GATEWAY_SERVICES[{route!r}] must point at {apis[route]}"
        assert parts.port == http_port_of(*processes[apis[route]][:2])
        assert depends_on(gateway).get(apis[route]) == "service_healthy"


# ----------------------------------------------------------------------------- every service is deployed


def cli_packages() -> list[str]:
    """Packages under services/*/ that have a `__main__.py` (found on disk, not through imports)."""
    return sorted(path.parent.name for path in REPO.glob("services/*/*/__main__.py"))


def required_processes(package: str) -> set[str]:
    return set(load_cli(package).commands) & DEPLOYED_PROCESSES


def test_services_are_discovered() -> None:
    assert {"org", "gateway"} <= set(cli_packages()), \
        f"services/org/org/__main__.py and services/gateway/gateway/__main__.py must exist: {cli_packages()}"


@pytest.mark.parametrize("package", cli_packages())
def test_every_service_process_is_in_compose(package: str) -> None:
    deployed = {subcommand for pkg, subcommand, _ in compose_processes().values() if pkg == package}
    missing = required_processes(package) - deployed
    assert not missing, f"docker-compose.yml lacks `python -m {package}` {sorted(missing)}"


@pytest.mark.parametrize("package", cli_packages())
def test_every_service_process_is_in_kubernetes(package: str) -> None:
    deployed = {(kind, subcommand) for kind, _, _, (pkg, subcommand, _) in k8s_processes() if pkg == package}
    for subcommand in required_processes(package):
        kind = "Job" if subcommand == "migrate" else "Deployment"
        assert (kind, subcommand) in deployed, f"deploy/k8s lacks a {kind} running `python -m {package} {subcommand}`"


# ----------------------------------------------------------------------------- Dockerfile and .dockerignore


@functools.cache
def dockerfile_instructions() -> tuple[tuple[str, str], ...]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    path = REPO / DOCKERFILE
    assert path.is_file(), f"{DOCKERFILE} is missing"
    lines, current = [], ""
    for raw in path.read_text().splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    return tuple((line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines)


def copies(instructions: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """(source, destination) of every COPY/ADD from the build context (WORKDIR applied to destinations)."""
    found, workdir = [], "/"
    for instruction, arguments in instructions:
        if instruction == "WORKDIR":
            workdir = str(PurePosixPath(workdir) / arguments)
        if instruction not in {"COPY", "ADD"}:
            continue
        words = shlex.split(arguments)
        if any(word.startswith("--from") for word in words):
            continue
        words = [word for word in words if not word.startswith("--")]
        destination = str(PurePosixPath(workdir) / words[-1])
        found.extend((source, destination) for source in words[:-1])
    return found


def dockerignore_patterns() -> list[str]:
    assert DOCKERIGNORE.is_file(), ".dockerignore is missing"
    return [line.strip() for line in DOCKERIGNORE.read_text().splitlines()
            if line.strip() and not line.strip().startswith("#")]


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip("/")
    regex, index = "", 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            regex, index = regex + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            regex, index = regex + ".*", index + 2
        elif pattern[index] == "*":
            regex, index = regex + "[^/]*", index + 1
        elif pattern[index] == "?":
            regex, index = regex + "[^/]", index + 1
        elif pattern[index] == "[":
            end = pattern.index("]", index)
            regex, index = regex + "[" + pattern[index + 1:end].replace("!", "^", 1) + "]", end + 1
        else:
            regex, index = regex + re.escape(pattern[index]), index + 1
    return re.compile(regex + r"\Z")


def dockerignored(relative: str) -> bool:
    """Whether .dockerignore keeps ``relative`` (or a folder holding it) out of the build context."""
    parts = PurePosixPath(relative).parts
    candidates = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    ignored = False
    for pattern in dockerignore_patterns():
        negated = pattern.startswith("!")
        regex = _pattern_regex(pattern[1:] if negated else pattern)
        if any(regex.match(candidate) for candidate in candidates):
            ignored = not negated
    return ignored


def in_image(path: Path) -> bool:
    """Whether a repository file or folder reaches the image through a COPY that .dockerignore allows."""
    relative = path.resolve().relative_to(REPO).as_posix()
    copied = any(relative == source.rstrip("/") or relative.startswith(source.rstrip("/") + "/")
                 or source in {".", "./"} for source, _ in copies(dockerfile_instructions()))
    return copied and not dockerignored(relative)


def test_dockerfile_builds_one_non_root_image_from_the_repository_root() -> None:
    instructions = dockerfile_instructions()
    froms = [arguments for instruction, arguments in instructions if instruction == "FROM"]
    assert froms[-1].split()[0] == "python:3.11-slim", f"final stage must be python:3.11-slim, got {froms[-1]}"
    users = [arguments for instruction, arguments in instructions if instruction == "USER"]
    assert users, "the Dockerfile must switch to a non-root USER"
    assert users[-1].split(":")[0] not in {"root", "0"}, f"USER {users[-1]} is root"
    runs = " ".join(arguments for instruction, arguments in instructions if instruction == "RUN")
    assert "pip install -r requirements.txt" in runs
    assert re.search(r"pip install --no-deps (-e )?\.", runs), "the project is installed with --no-deps"
    healthchecks = [arguments for instruction, arguments in instructions if instruction == "HEALTHCHECK"]
    assert all(arguments.strip() == "NONE" for arguments in healthchecks), \
        "no image-wide HEALTHCHECK: relays and consumers serve no HTTP"
    for source, _ in copies(instructions):
        path = REPO / source
        assert path.exists(), f"{DOCKERFILE}: COPY {source}: not in the repository"
        assert not dockerignored(path.relative_to(REPO).as_posix()), f"COPY {source} is excluded by .dockerignore"


def test_the_image_holds_every_deployed_package_and_its_migrations() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    for where in pyproject["tool"]["setuptools"]["packages"]["find"]["where"]:
        assert in_image(REPO / where) or any(
            in_image(package) for package in (REPO / where).glob("*/__init__.py")
        ), f"pyproject packages.find where={where!r} is not copied into the image"
    readme = pyproject["project"].get("readme")
    if isinstance(readme, str):
        assert in_image(REPO / readme), f"pyproject's readme {readme} must reach the image"
    packages = {process[0] for process in compose_processes().values()}
    packages |= {process[0] for *_, process in k8s_processes()}
    packages |= {"shared"}
    for package in sorted(packages):
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.origin, f"package {package!r} is not importable"
        source = Path(spec.origin).parent
        assert source.resolve().is_relative_to(REPO), f"{package} is not installed from this repository"
        assert in_image(source), f"{source.relative_to(REPO)} does not reach the image"
        where = source.parent.relative_to(REPO).as_posix()
        wheres = {str(PurePosixPath(w)) for w in pyproject["tool"]["setuptools"]["packages"]["find"]["where"]}
        assert where in wheres, f"{package} lives in {where!r}, which pyproject's packages.find does not search"
        migrations = migrations_dir(package) if package != "shared" else None
        if migrations is not None:
            assert migrations.is_dir(), f"{package}: migrations directory {migrations} does not exist"
            assert in_image(migrations), f"{package}: {migrations.relative_to(REPO)} does not reach the image"
            if not migrations.resolve().is_relative_to(source.resolve()):
                assert re.search(r"pip install --no-deps -e \.", " ".join(
                    arguments for instruction, arguments in dockerfile_instructions() if instruction == "RUN")), \
                    f"{package}'s migrations live outside the package: the image must install the tree editable"


def test_dockerignore_keeps_local_state_out() -> None:
    for path in (".venv/bin/python", ".dev/x", ".git/HEAD", "shared/__pycache__/x.pyc", ".pytest_cache/v",
                 "services/org/org/__pycache__/x.pyc"):
        assert dockerignored(path), f".dockerignore must exclude {path}"
    for path in ("requirements.txt", "pyproject.toml", "shared/config.py", "services/org/org/__main__.py",
                 "deploy/docker/healthcheck.py"):
        assert not dockerignored(path), f".dockerignore must not exclude {path}"


# ----------------------------------------------------------------------------- Kubernetes


def pod_template(document: dict[str, Any]) -> dict[str, Any]:
    if document["kind"] == "CronJob":
        return document["spec"]["jobTemplate"]["spec"]["template"]
    return document["spec"]["template"]


WORKLOAD_KINDS = ("Deployment", "Job", "CronJob", "StatefulSet", "DaemonSet")


def k8s_workloads() -> list[dict[str, Any]]:
    return [doc for doc in k8s_objects() if doc.get("kind") in WORKLOAD_KINDS]


def k8s_processes() -> list[tuple[str, str, dict[str, Any], tuple[str, str, list[str]]]]:
    """(kind, workload name, container, parsed command) for every container of every workload."""
    found = []
    for document in k8s_workloads():
        spec = pod_template(document)["spec"]
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            where = f"{document['kind']} {document['metadata']['name']} container {container['name']}"
            command = [*(container.get("command") or []), *(container.get("args") or [])]
            found.append((document["kind"], document["metadata"]["name"], container, parse_command(command, where)))
    return found


def k8s_process_ids() -> list[str]:
    return [f"{kind}/{name}/{container['name']}" for kind, name, container, _ in k8s_processes()]


def test_k8s_manifests_are_well_formed() -> None:
    assert k8s_files(), "deploy/k8s has no manifests"
    namespaces = set(k8s_named("Namespace"))
    assert namespaces == {"salesteam"}, f"namespaces: {namespaces}"
    seen = Counter()
    for file_name, document in k8s_documents():
        assert document.get("apiVersion") and document.get("kind"), f"{file_name}: apiVersion and kind"
        if document["kind"] == "Kustomization":
            continue
        metadata = document.get("metadata") or {}
        assert metadata.get("name"), f"{file_name}: {document['kind']} without a name"
        if document["kind"] != "Namespace":
            assert metadata.get("namespace") == "salesteam", f"{file_name}: {metadata['name']} namespace"
        seen[(document["kind"], metadata["name"])] += 1
    duplicates = [key for key, count in seen.items() if count > 1]
    assert not duplicates, f"defined twice: {duplicates}"


def test_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    kustomizations = [doc for _, doc in k8s_documents() if doc.get("kind") == "Kustomization"]
    assert len(kustomizations) == 1, "deploy/k8s needs one kustomization.yaml"
    resources = kustomizations[0]["resources"]
    for resource in resources:
        assert (K8S_DIR / resource).is_file(), f"kustomization resource {resource} does not exist"
    manifests = {path.name for path in k8s_files()} - {"kustomization.yaml", "kustomization.yml"}
    examples = {name for name in manifests if ".example." in name}
    assert set(resources) == manifests - examples, f"kustomization resources {sorted(resources)} " \
                                                   f"must be exactly {sorted(manifests - examples)}"
    images = {image["name"] for image in kustomizations[0].get("images", [])}
    for _, _, container, _ in k8s_processes():
        assert container["image"].split(":")[0] in images, f"kustomization images must set {container['image']}"


def test_k8s_secrets_hold_no_values() -> None:
    secrets = k8s_objects("Secret")
    assert secrets, "a Secret placeholder shows which keys to create"
    for secret in secrets:
        values = {**(secret.get("data") or {}), **(secret.get("stringData") or {})}
        filled = [key for key, value in values.items() if value not in (None, "")]
        assert not filled, f"Secret {secret['metadata']['name']} must not hold values: {filled}"


@pytest.mark.parametrize("process", k8s_process_ids())
def test_k8s_command_is_a_real_module_and_subcommand(process: str) -> None:
    kind, name, _, (package, subcommand, args) = k8s_processes()[k8s_process_ids().index(process)]
    check_command(package, subcommand, args, process)
    if subcommand == "migrate":
        assert kind == "Job", f"{process}: migrations run once, as a Job"
        assert pod_template(k8s_named(kind)[name])["spec"]["restartPolicy"] in {"Never", "OnFailure"}
    else:
        assert kind == "Deployment", f"{process}: long-running processes are Deployments"


@pytest.mark.parametrize("process", k8s_process_ids())
def test_k8s_environment_matches_the_package(process: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, container, (package, subcommand, _) = k8s_processes()[k8s_process_ids().index(process)]
    config_maps, secrets = k8s_named("ConfigMap"), k8s_named("Secret")
    environment: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        assert "configMapRef" in source, f"{process}: envFrom only from ConfigMaps (secrets key by key)"
        name = source["configMapRef"]["name"]
        assert name in config_maps, f"{process}: ConfigMap {name} is not defined"
        environment.update({key: str(value) for key, value in (config_maps[name].get("data") or {}).items()})
    for variable in container.get("env") or []:
        if "value" in variable:
            assert not SECRET_NAME.search(variable["name"]), f"{process}: {variable['name']} written down"
            environment[variable["name"]] = str(variable["value"])
            continue
        reference = variable["valueFrom"]["secretKeyRef"]
        secret = secrets.get(reference["name"])
        assert secret is not None, f"{process}: Secret {reference['name']} is not described in deploy/k8s"
        keys = {**(secret.get("data") or {}), **(secret.get("stringData") or {})}
        assert reference["key"] in keys, f"{process}: Secret {reference['name']} has no key {reference['key']}"
        sample = SAMPLE_SECRET_VALUES.get(reference["key"])
        if sample is None and reference["key"].endswith("database-url"):
            sample = f"postgresql+asyncpg://{package}:password@db.example:5432/{package}"
        assert sample is not None, f"{process}: the test has no sample for Secret key {reference['key']}"
        environment[variable["name"]] = sample
    for source in container.get("envFrom") or []:
        for name in config_maps[source["configMapRef"]["name"]].get("data") or {}:
            assert not (SECRET_NAME.search(name) or name.endswith("DATABASE_URL")), \
                f"{process}: {name} is a secret; it belongs in a Secret, not in a ConfigMap"
    settings = validate_settings(package, environment, process, monkeypatch)
    if subcommand in HTTP_PROCESSES:
        assert settings.host == "0.0.0.0", f"{process}: {prefix_of(package)}HOST must be 0.0.0.0"
        ports = {port["containerPort"] for port in container.get("ports") or []}
        setting = port_setting(settings, subcommand)
        assert ports == {setting} and setting == http_port_of(package, subcommand), \
            f"{process}: containerPort {ports} vs setting {setting}"
    if package != "gateway":
        assert settings.kafka_enable_idempotence, f"{process}: enable the idempotent producer on Apache Kafka"
        assert urlsplit(settings.database_url).scheme == "postgresql+asyncpg"


@pytest.mark.parametrize("process", k8s_process_ids())
def test_k8s_probes_resources_and_security(process: str) -> None:
    kind, name, container, (_, subcommand, _) = k8s_processes()[k8s_process_ids().index(process)]
    port_names = {port.get("name") for port in container.get("ports") or []}
    port_numbers = {port["containerPort"] for port in container.get("ports") or []}
    for probe_name in ("startupProbe", "livenessProbe", "readinessProbe"):
        probe = container.get(probe_name)
        if probe is None:
            continue
        assert "httpGet" in probe, f"{process}: {probe_name} must be an HTTP probe"
        assert probe["httpGet"]["path"] in PROBE_PATHS, f"{process}: {probe_name} on {probe['httpGet']['path']}"
        assert probe["httpGet"]["port"] in port_names | port_numbers, f"{process}: {probe_name} port"
    if subcommand in HTTP_PROCESSES:
        assert container.get("livenessProbe") and container.get("readinessProbe"), \
            f"{process} serves HTTP: it needs liveness and readiness probes"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    resources = container.get("resources") or {}
    for section in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources.get(section) or {}), f"{process}: resources.{section}"
    pod_spec = pod_template(k8s_named(kind)[name])["spec"]
    container_security = container.get("securityContext") or {}
    pod_security = pod_spec.get("securityContext") or {}
    assert container_security.get("runAsNonRoot", pod_security.get("runAsNonRoot")), f"{process}: runAsNonRoot"
    assert container_security.get("allowPrivilegeEscalation") is False, f"{process}: allowPrivilegeEscalation"
    assert "ALL" in (container_security.get("capabilities") or {}).get("drop", []), f"{process}: drop capabilities"


def test_k8s_deployment_selectors_match_their_pods() -> None:
    for document in k8s_workloads():
        if document["kind"] == "Job":
            continue
        selector = document["spec"]["selector"]["matchLabels"]
        labels = pod_template(document)["metadata"]["labels"]
        assert selector.items() <= labels.items(), f"{document['metadata']['name']}: selector does not match its pods"


def selected_deployments(selector: dict[str, str]) -> list[dict[str, Any]]:
    return [document for document in k8s_objects("Deployment")
            if selector.items() <= pod_template(document)["metadata"]["labels"].items()]


def test_k8s_service_selectors_match_deployments() -> None:
    services = k8s_objects("Service")
    assert services
    for service in services:
        name = service["metadata"]["name"]
        matched = selected_deployments(service["spec"].get("selector") or {})
        assert service["spec"].get("selector") and matched, f"Service {name} selects no Deployment's pods"
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            for deployment in matched:
                containers = pod_template(deployment)["spec"]["containers"]
                container_ports = [p for c in containers for p in c.get("ports", [])]
                assert any(target in (p.get("name"), p["containerPort"]) for p in container_ports), \
                    f"Service {name}: targetPort {target} is not a port of Deployment {deployment['metadata']['name']}"
    for budget in k8s_objects("PodDisruptionBudget"):
        assert selected_deployments(budget["spec"]["selector"]["matchLabels"]), \
            f"PodDisruptionBudget {budget['metadata']['name']} selects nothing"


def test_k8s_gateway_routes_to_service_apis_and_autoscales() -> None:
    deployments, services = k8s_named("Deployment"), k8s_objects("Service")
    gateway = [name for kind, name, _, process in k8s_processes() if process[:2] == ("gateway", "api")]
    assert len(gateway) == 1, f"one gateway Deployment expected: {gateway}"
    autoscalers = k8s_objects("HorizontalPodAutoscaler")
    targets = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in autoscalers}
    assert gateway[0] in targets, "the gateway needs a HorizontalPodAutoscaler"
    for hpa in autoscalers:
        reference = hpa["spec"]["scaleTargetRef"]
        assert reference["kind"] == "Deployment" and reference["name"] in deployments, \
            f"HorizontalPodAutoscaler {hpa['metadata']['name']} targets a missing Deployment"
        assert 1 <= hpa["spec"].get("minReplicas", 1) <= hpa["spec"]["maxReplicas"]
    apis = {route_of(*process[:2]): name for kind, name, _, process in k8s_processes()
            if process[1] in HTTP_PROCESSES and process[0] != "gateway"}
    config = {}
    for source in deployments[gateway[0]]["spec"]["template"]["spec"]["containers"][0].get("envFrom", []):
        config.update(k8s_named("ConfigMap")[source["configMapRef"]["name"]]["data"])
    routes = json.loads(config["GATEWAY_SERVICES"])
    assert set(routes) == set(apis), f"GATEWAY_SERVICES {sorted(routes)} must route to every api {sorted(apis)}"
    for route, url in routes.items():
        parts = urlsplit(url)
        service_name = parts.hostname.split(".")[0]
        service = next((s for s in services if s["metadata"]["name"] == service_name), None)
        assert service is not None, f"GATEWAY_SERVICES[{route!r}]: no Service {service_name}"
        assert parts.port in {port["port"] for port in service["spec"]["ports"]}
        selected = {d["metadata"]["name"] for d in selected_deployments(service["spec"]["selector"])}
        assert selected == {apis[route]}, f"Service {service_name} must select {apis[route]}, selects {selected}"


def test_k8s_readme_names_the_external_dependencies() -> None:
    readme = (K8S_DIR / "README.md").read_text()
    for word in ("Strimzi", "CloudNativePG", "_DATABASE_URL", "_KAFKA_BOOTSTRAP_SERVERS", "jwt-secret"):
        assert word in readme, f"deploy/k8s/README.md must mention {word}"
