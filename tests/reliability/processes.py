"""Real server processes for the reliability tests: the web app under gunicorn and the scheduler, each
started as its own process group, killed with SIGKILL and started again."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


class Service:
    """One server process (with its children) that can be killed at any moment and restarted."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path, ready_url: str | None = None):
        self.name, self.argv, self.env, self.ready_url = name, argv, env, ready_url
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.kills = 0

    def start(self, timeout: float = 90.0) -> None:
        self.starts += 1
        log = open(self.log_dir / f"{self.name}-{self.starts}.log", "wb")
        # Its own session: SIGKILL reaches the whole group (gunicorn's master and workers) at once.
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        if self.ready_url:
            self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: see {self.log_dir}")
            try:
                if requests.get(self.ready_url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {timeout} s: see {self.log_dir}")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no cleanup, no atexit, like a power cut of this process."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.kills += 1

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        """A normal stop (SIGTERM, then SIGKILL if it lingers); not counted as a kill."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 40) -> str:
        logs = sorted(self.log_dir.glob(f"{self.name}-*.log"), key=lambda p: p.stat().st_mtime)
        return "\n".join(logs[-1].read_text(errors="replace").splitlines()[-lines:]) if logs else ""


def server_env(config: dict, **extra) -> dict:
    """The environment of a server process for the test database and folders of ``config``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QOFFICE_", "DATABASE_URL"))}
    env.update({
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "QOFFICE_DATA": config["QOFFICE_DATA"],
        "QOFFICE_FILES_DIR": config["QOFFICE_FILES_DIR"],
        "QOFFICE_PKI_DIR": config["QOFFICE_PKI_DIR"],
        "QOFFICE_SECRET_KEY": config["SECRET_KEY"],
        "PYTHONUNBUFFERED": "1",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


def web(env: dict, port: int, log_dir: Path, workers: int = 2) -> Service:
    argv = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
            "--timeout", "120", "--graceful-timeout", "5", "--no-control-socket", "wsgi:app"]
    return Service("web", argv, env, log_dir, ready_url=f"http://127.0.0.1:{port}/api/v1/openapi.json")


def scheduler(env: dict, log_dir: Path) -> Service:
    return Service("scheduler", [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler"], env, log_dir)
