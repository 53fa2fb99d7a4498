"""The production layout on one machine, for the fault drill: a Redis of its own (started on its
own port, stopped with `shutdown nosave`), Celery workers, Celery beat, the outbox relay loop and
gunicorn, all against the test database, each in its own process group so that `kill -9` takes
the whole worker (main process and pool children) at once.

Every wait polls a condition with a deadline. Ports: FAULT_DRILL_REDIS_PORTS and
FAULT_DRILL_WEB_PORTS ("6390-6399") restrict the ports tried; by default the system picks free
ones. Timings are shortened through the same environment variables production uses
(DRILL_ENV): a silent run is resumed after 4 s, the sweep runs every second, the relay every
half second.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

DRILL_ENV = {
    "MATCHING_EMBEDDER": "hashing",
    "MATCHING_MODEL": "",
    "MATCHING_CHUNK_SIZE": "5",
    "MATCHING_RUN_STALL_SECONDS": "4",
    "MATCHING_STALE_SWEEP_SECONDS": "1",
    "OUTBOX_RELAY_INTERVAL": "0.5",
    "OUTBOX_BEAT_RELAY_SECONDS": "5",
    "OUTBOX_BREAKER_SECONDS": "2",
    "WORKER_HEARTBEAT_SECONDS": "1",
    "CELERY_UNACKED_RESTORE_SECONDS": "1",
    "LOG_LEVEL": "INFO",
    "DEBUG": "false",
    "PYTHONUNBUFFERED": "1",
}


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str, interval=0.1):
    """Poll `predicate` until it is truthy; its value, or AssertionError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)  # polling a condition with a deadline


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(env_name: str) -> int:
    spec = os.environ.get(env_name, "")
    if spec:
        low, _, high = spec.partition("-")
        for port in range(int(low), int(high or low) + 1):
            if _port_free(port):
                return port
        raise RuntimeError(f"no free port in {env_name}={spec}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Stack:
    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.redis_port = free_port("FAULT_DRILL_REDIS_PORTS")
        self.web_port = free_port("FAULT_DRILL_WEB_PORTS")
        self.broker = f"redis://127.0.0.1:{self.redis_port}/0"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        self.env.update(DRILL_ENV)
        self.env.update(
            {
                "DATABASE_URL": database_url(),
                "CELERY_BROKER_URL": self.broker,
                "REDIS_URL": self.broker,
                "DJANGO_SETTINGS_MODULE": "config.settings",
            }
        )
        self.procs: dict[str, subprocess.Popen] = {}
        self.workers = 0

    # --- processes -----------------------------------------------------------------------

    def _spawn(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        log = open(self.dir / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the process)
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg reaches the pool children
        )
        self.procs[name] = proc
        return proc

    def log(self, name: str, lines: int = 40) -> str:
        path = self.dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def start_redis(self) -> None:
        self._spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
        )
        wait_for(lambda: _listening(self.redis_port), timeout=20, what="redis-server")

    def redis_shutdown_nosave(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.redis_port), "shutdown", "nosave"],
            capture_output=True,
            timeout=10,
        )
        self.procs.pop("redis").wait(timeout=20)
        wait_for(lambda: not _listening(self.redis_port), timeout=10, what="Redis to stop")

    def redis(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.redis_port, socket_timeout=2)

    def start_worker(self, *, concurrency: int = 2) -> subprocess.Popen:
        self.workers += 1
        proc = self._spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
                "-n",
                f"drill{self.workers}@%h",
            ],
        )
        return proc

    def kill_worker(self) -> None:
        """kill -9 of the whole worker: main process and its pool children."""
        proc = self.procs.pop("worker")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)

    def start_beat(self, *, sweep_seconds: float = 1.0) -> None:
        """Celery beat; its stale sweep (which resumes silent runs) every `sweep_seconds`."""
        self._spawn(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.dir / "celerybeat-schedule"),
            ],
            MATCHING_STALE_SWEEP_SECONDS=str(sweep_seconds),
        )

    def start_relay(self) -> None:
        self._spawn("relay", [sys.executable, "manage.py", "outbox_relay"])

    def start_web(self) -> None:
        self._spawn(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--timeout",
                "60",
            ],
        )
        wait_for(lambda: _listening(self.web_port), timeout=60, what="gunicorn")

    @property
    def web(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def alive(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.poll() is None

    def stop(self) -> None:
        stopping = []
        for name in ("web", "worker", "beat", "relay"):
            proc = self.procs.pop(name, None)
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # the main process: a warm shutdown
                stopping.append(proc)
        deadline = time.monotonic() + 20
        for proc in stopping:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        for name, proc in list(self.procs.items()):  # Redis
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            self.procs.pop(name, None)


class Http:
    """A tiny HTTP client on the standard library (the drill adds no dependency)."""

    def __init__(self, base: str, token: str = "") -> None:
        self.base, self.token = base, token

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body=None,
        form=None,
        files=None,
        auth: bool = True,
        timeout: float = 30,
    ):
        import json
        import urllib.error
        import urllib.request
        import uuid

        headers = {"Accept": "application/json"}
        if auth and self.token:
            headers["Authorization"] = f"Token {self.token}"
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in (form or {}).items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (filename, content, ctype) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw):
        return self.request("POST", path, **kw)
