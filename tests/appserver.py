"""Start the real production app on a free port against a temporary database.

Used by the browser tests (tests/e2e) and the benchmarks (bench/): both want exactly what
`make run` serves, only on another port and with a throwaway database, and built in a folder of
their own (`.build/<purpose>/`): a `make test` or `make bench` never rebuilds the `.web/` that a
running `make run` serves (its pages would then point at the test server's dead websocket port).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BUILD_ROOT = ROOT / ".build"  # gitignored; `make clean` removes it
STARTUP_TIMEOUT = 420  # seconds: a first production build installs the frontend packages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_dir(purpose: str) -> Path:
    """Where a test or benchmark session builds and keeps its frontend and server state."""
    return BUILD_ROOT / purpose


def app_environment(database_url: str, purpose: str = "test", **extra: str) -> dict[str, str]:
    """The environment of an app run for `purpose` ("test", "bench"...): its own build folder."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BUUV_ENV": "test",
        "REFLEX_TELEMETRY_ENABLED": "false",
        # Reflex's working folders, which default to .web/ and .states/ beside `make run`'s.
        "REFLEX_WEB_WORKDIR": str(build_dir(purpose) / "web"),
        "REFLEX_STATES_WORKDIR": str(build_dir(purpose) / "states"),
        "PATH": os.pathsep.join(
            [str(Path(sys.executable).parent), str(ROOT / ".tools/node_modules/.bin"), os.environ["PATH"]]
        ),
        **extra,
    }
    env.pop("REFLEX_DB_URL", None)
    env.pop("BUUV_FAST_PASSWORD_HASHING", None)  # the real app hashes passwords for real
    return env


def prepare_database(env: dict[str, str], demo: bool = True) -> None:
    """Migrate and seed the database named in `env`, as `make run` does."""
    subprocess.run([sys.executable, "-m", "buuv_app.cli", "migrate"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    seed = ["seed"] if demo else ["seed", "--no-demo"]
    subprocess.run([sys.executable, "-m", "buuv_app.cli", *seed], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, check_page: bool = True) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app stopped while starting:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/ping", timeout=2).status_code == 200 and (
                    not check_page or httpx.get(url, timeout=5).status_code == 200):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the app did not answer within {STARTUP_TIMEOUT}s:\n{log.read_text()[-4000:]}")


@dataclass(frozen=True)
class RunningApp:
    url: str
    database_url: str
    upload_dir: Path
    web_dir: Path  # the build it serves (.build/<purpose>/web)


@contextmanager
def running_app(
    workdir: Path, demo: bool = True, populate: Callable[[str], None] | None = None, purpose: str = "test",
    **extra_env: str,
) -> Iterator[RunningApp]:
    """Build (in .build/<purpose>/) and serve the production app with a fresh SQLite database in
    `workdir`; `populate(database_url)` may add data (benchmarks) before the app starts."""
    database_url = f"sqlite:///{workdir / 'app.db'}"
    # Behind one trusted proxy hop, tests can give each browser its own client address.
    upload_dir = workdir / "uploads"
    env = app_environment(database_url, purpose, REFLEX_TRUSTED_PROXY_HOPS="1", BUUV_UPLOAD_DIR=str(upload_dir),
                          BUUV_VAPID_KEY_FILE=str(workdir / "vapid_private.pem"), **extra_env)
    prepare_database(env, demo=demo)
    if populate is not None:
        populate(database_url)
    port = free_port()
    url = f"http://localhost:{port}"
    args = ["run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)]
    with serving(env, args, workdir / "reflex.log", url):
        yield RunningApp(url=url, database_url=database_url, upload_dir=upload_dir,
                         web_dir=Path(env["REFLEX_WEB_WORKDIR"]))


@contextmanager
def serving(env: dict[str, str], args: list[str], log: Path, url: str, cwd: Path = ROOT) -> Iterator[None]:
    """Run `reflex <args>` in `cwd` (this app by default) until the block ends; waits until `url` answers."""
    reflex = shutil.which("reflex", path=env["PATH"]) or "reflex"
    with log.open("w") as out:
        process = subprocess.Popen([reflex, *args], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        _wait_until_up(url, process, log, check_page="--backend-only" not in args)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_launch_options() -> dict:
    """Debian's Chromium where present (Playwright cannot download browsers here), else Playwright's."""
    options: dict = {"args": CHROMIUM_ARGS}
    chromium = os.environ.get("BUUV_CHROMIUM") or (DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else None)
    if chromium:
        options["executable_path"] = chromium
    return options
