"""`make cluster`: PostgreSQL-backed BUUV with Redis, N backends and nginx on the loopback.

The same layout as on real hosts (README, "Running on several machines"): nginx serves the static
build and spreads `/_event`, `/api` and Reflex's other routes over N backends with no stickiness,
Redis holds the tabs' state, PostgreSQL is the only truth. The fault drills in tests/scale use
`Cluster` directly; a person runs `make cluster N=3` and opens the printed address.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from buuv_app.security import headers
from buuv_app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
NGINX = "/usr/sbin/nginx"
SERVER_BLOCK = ROOT / "deploy" / "nginx" / "buuv.conf"
BUILD_DIR = ROOT / ".web" / "build" / "client"
STARTUP_TIMEOUT = 420  # seconds: a first start compiles the app


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_config(*, workdir: Path, listen: int, backends: list[int], static_root: Path,
                 public_url: str | None = None) -> str:
    """deploy/nginx/buuv.conf with the loopback's backends, port and build filled in, wrapped in a
    main config that keeps every file nginx writes inside `workdir` (no root, no /var needed).
    The security headers' snippet is written into `workdir` for `public_url` (default: the
    loopback address nginx listens on)."""
    server = SERVER_BLOCK.read_text()
    snippet = workdir / "buuv-security-headers.conf"
    settings = Settings(public_url=public_url or f"http://localhost:{listen}")
    snippet.write_text(headers.nginx_snippet(settings))
    server = server.replace("/etc/nginx/snippets/buuv-security-headers.conf", str(snippet))
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in backends)
    server = re.sub(r"(upstream buuv_backends \{\n)(?:.*\n)*?(    keepalive)",
                    lambda m: f"{m.group(1)}{servers}\n{m.group(2)}", server, count=1)
    server = re.sub(r"^    listen 80;", f"    listen 127.0.0.1:{listen};", server, count=1, flags=re.M)
    server = re.sub(r"^    root .*;", f"    root {static_root};", server, count=1, flags=re.M)
    temp = workdir / "nginx-temp"
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / name).mkdir(parents=True, exist_ok=True)
    return f"""worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{server}
}}
"""


def reflex_environment(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REFLEX_REDIS_URL": redis_url,
        "REFLEX_TELEMETRY_ENABLED": "false",
        # One nginx hop in front: the client address is the one nginx adds.
        "REFLEX_TRUSTED_PROXY_HOPS": "1",
        # The background sender runs as a process of its own (deploy/systemd/buuv-sender.service).
        "MAIL_SENDER_IN_APP": "0",
        "WEB_CONCURRENCY": "1",  # one gunicorn worker per backend (buuv_app/server.py)
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), str(ROOT / ".tools/node_modules/.bin"),
                                 os.environ.get("PATH", "")]),
        **extra,
    }
    env.pop("REFLEX_DB_URL", None)
    return env


@dataclass
class Backend:
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    """N Reflex backends behind nginx; `start()` waits until all answer, `stop()` ends them all."""

    workdir: Path
    database_url: str
    redis_url: str
    backends_count: int = 3
    port: int = field(default_factory=free_port)
    static_root: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    backends: list[Backend] = field(default_factory=list)
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def upload_dir(self) -> Path:
        return Path(self.extra_env.get("BUUV_UPLOAD_DIR") or self.workdir / "uploads")

    @property
    def env(self) -> dict[str, str]:
        # The photo folder every backend shares (on real hosts: a shared mount). Browsers come in
        # through nginx: that is the one origin the backends accept (CORS and the websocket).
        return reflex_environment(self.database_url, self.redis_url,
                                  **{"BUUV_PUBLIC_URL": os.environ.get("BUUV_PUBLIC_URL", self.url), **self.extra_env,
                                     "BUUV_UPLOAD_DIR": str(self.upload_dir)})

    def prepare_database(self, demo: bool = True) -> None:
        for args in (["migrate"], ["seed"] if demo else ["seed", "--no-demo"]):
            subprocess.run([sys.executable, "-m", "buuv_app.cli", *args], cwd=ROOT, env=self.env, check=True,
                           capture_output=True)

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.backends = [Backend(port=free_port(), log=self.workdir / f"backend-{i}.log")
                         for i in range(self.backends_count)]
        static_root = self.static_root or _placeholder_root(self.workdir)
        config = self.workdir / "nginx.conf"
        config.write_text(nginx_config(workdir=self.workdir, listen=self.port,
                                       backends=[b.port for b in self.backends], static_root=static_root,
                                       public_url=self.env["BUUV_PUBLIC_URL"]))
        try:
            for backend in self.backends:
                self.start_backend(backend, wait=False)
            for backend in self.backends:
                _wait_until_up(backend)
            self.nginx = subprocess.Popen([NGINX, "-p", str(self.workdir), "-c", str(config), "-e",
                                           str(self.workdir / "nginx-error.log"), "-g", "daemon off;"],
                                          start_new_session=True)
            wait_for(lambda: httpx.get(f"{self.url}/ping", timeout=2).status_code == 200, 20,
                     f"nginx did not answer on {self.url}")
        except BaseException:
            self.stop()
            raise

    def start_backend(self, backend: Backend, wait: bool = True) -> None:
        reflex = shutil.which("reflex", path=self.env["PATH"]) or "reflex"
        with backend.log.open("a") as out:
            backend.process = subprocess.Popen(
                [reflex, "run", "--env", "prod", "--backend-only", "--backend-port", str(backend.port)],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        if wait:
            _wait_until_up(backend)

    def kill_backend(self, backend: Backend, signum: int = signal.SIGKILL) -> None:
        """`kill -9` a backend's whole process group (reflex, the gunicorn master and its uvicorn worker)."""
        if backend.process is not None:
            try:
                os.killpg(backend.process.pid, signum)
            except ProcessLookupError:
                pass
            backend.process.wait(timeout=20)
            backend.process = None

    def stop(self) -> None:
        if self.nginx is not None:
            _end(self.nginx)
            self.nginx = None
        for backend in self.backends:
            if backend.process is not None:
                _end(backend.process)
                backend.process = None

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def _end(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_for(check: Callable[[], bool], timeout: float, message: str | Callable[[], str]) -> None:
    """Call `check` every 0.3 s until it returns true; raise RuntimeError(message) after `timeout`
    seconds. For a server that is starting: an httpx.HTTPError from `check` (nothing listening
    yet) counts as "not yet", while any other exception ends the wait at once (say, `check` found
    the process gone). `message` may be a function, called only on timeout, so that it can quote
    a log as it is then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(message() if callable(message) else message)


def _wait_until_up(backend: Backend) -> None:
    def up() -> bool:
        if backend.process is None or backend.process.poll() is not None:
            raise RuntimeError(f"backend {backend.port} stopped while starting:\n{backend.log.read_text()[-3000:]}")
        return httpx.get(f"{backend.url}/ping", timeout=2).status_code == 200

    wait_for(up, STARTUP_TIMEOUT, lambda: f"backend {backend.port} did not answer:\n{backend.log.read_text()[-3000:]}")


def _placeholder_root(workdir: Path) -> Path:
    """Without a build (the drills talk to the backends only), nginx serves a page saying so."""
    root = workdir / "static"
    root.mkdir(exist_ok=True)
    (root / "__spa-fallback.html").write_text(
        "<!doctype html><title>BUUV</title><p>Geen build: start met <code>make cluster</code>.</p>\n")
    return root


def build_frontend(port: int) -> Path:
    """`reflex export` of the frontend for a site at http://localhost:<port> (the address is baked in)."""
    env = {**os.environ, "REFLEX_API_URL": f"http://localhost:{port}", "REFLEX_TELEMETRY_ENABLED": "false",
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), str(ROOT / ".tools/node_modules/.bin"),
                                    os.environ.get("PATH", "")])}
    subprocess.run(["reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"], cwd=ROOT, env=env,
                   check=True)
    return BUILD_DIR


def ensure_postgres_database(url: str) -> None:
    """Create the database in `url` when it does not exist yet."""
    import sqlalchemy as sa

    base, name = url.rsplit("/", 1)
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.execute(sa.text("select 1 from pg_database where datname = :n"), {"n": name}).first() is None:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cluster", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", "-n", type=int, default=3)
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", "8080")))
    parser.add_argument("--database-url", default=os.environ.get(
        "CLUSTER_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/buuv_cluster"))
    parser.add_argument("--redis-url", default=os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/6"))
    parser.add_argument("--workdir", type=Path, default=ROOT / "data" / "cluster")
    parser.add_argument("--no-build", action="store_true", help="serve the existing build (or a placeholder)")
    args = parser.parse_args(argv)

    ensure_postgres_database(args.database_url)
    static_root = None if args.no_build else build_frontend(args.port)
    if static_root is None and BUILD_DIR.exists():
        static_root = BUILD_DIR
    cluster = Cluster(workdir=args.workdir, database_url=args.database_url, redis_url=args.redis_url,
                      backends_count=args.backends, port=args.port, static_root=static_root)
    cluster.prepare_database(demo=True)
    sender = None
    with cluster:
        if cluster.env.get("SMTP_HOST"):
            sender = subprocess.Popen([sys.executable, "-m", "buuv_app.cli", "run-sender"], cwd=ROOT,
                                      env=cluster.env, start_new_session=True)
        else:
            print("SMTP_HOST is not set: mail waits in the outbox (no sender started).")
        print(f"BUUV on {cluster.url} ({args.backends} backends: "
              f"{', '.join(str(b.port) for b in cluster.backends)}; logs in {args.workdir}). Ctrl-C stops it.")
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        try:
            while not stop:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            if sender is not None:
                _end(sender)
    return 0


if __name__ == "__main__":
    sys.exit(main())
