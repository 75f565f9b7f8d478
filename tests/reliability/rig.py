"""The crash rig: the web app (gunicorn) and the scheduler as real processes on the test database, an
SMTP server and the axis on loopback, lifecycles driven over HTTP while a chaos thread kills a
server with SIGKILL at random moments and starts it again."""
from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from engine import clock
from engine.interconnection import delivery
from engine.notifications import mailer
from tests.integrations.axis_support import free_port
from tests.reliability import processes
from tests.reliability.driver import Client, Lifecycle, Stats, run_lifecycle
from tests.reliability.witnesses import US_TOKEN, AxisWitness, MailWitness

KINDS = ("incoming", "outgoing", "axis", "incoming", "outgoing")  # the mix, in turn


@dataclass
class Plan:
    lifecycles: int  # besides the undisturbed reference lifecycle of each kind
    workers: int = 3  # lifecycles in flight at once
    kill_every: tuple[float, float] = (2.0, 12.0)  # seconds between two kills, drawn uniformly
    min_kills: int = 2  # per server: the run goes on until each was killed this often
    seed: int = field(default_factory=lambda: random.randrange(1 << 30))


class Rig:
    def __init__(self, config: dict, folder, web_workers: int = 2):
        self.config = config
        self.folder = folder
        self.mail = MailWitness().start()
        self.axis = AxisWitness(folder / "axis").start()
        self.stats = Stats()
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.server_settings = dict(
            QOFFICE_SMTP_HOST="127.0.0.1", QOFFICE_SMTP_PORT=self.mail.port,
            QOFFICE_AXIS_URL=self.axis.url, QOFFICE_AXIS_TOKEN=US_TOKEN, QOFFICE_AXIS_HTTP_RETRIES=0,
            QOFFICE_AXIS_TIMEOUT=10, QOFFICE_BASE_URL=self.base_url)
        env = processes.server_env(config, QOFFICE_SCHEDULER_INTERVAL=1, **self.server_settings)
        logs = folder / "logs"
        logs.mkdir()
        self.web = processes.web(env, port, logs, workers=web_workers)
        self.scheduler = processes.scheduler(env, logs)
        self.lifecycles: list[Lifecycle] = []
        self.reference: dict[str, Lifecycle] = {}
        self.drained: dict = {}
        self.elapsed = self.reference_seconds = 0.0

    def __enter__(self):
        self.web.start()
        self.scheduler.start()
        return self

    def __exit__(self, *exc):
        self.web.stop()
        self.scheduler.stop()
        self.axis.stop()
        self.mail.stop()

    def _client(self) -> Client:
        return Client(self.base_url, self.stats)

    def run(self, plan: Plan) -> None:
        """The reference lifecycles undisturbed, then ``plan.lifecycles`` under SIGKILLs."""
        rng = random.Random(plan.seed)
        client = self._client()
        started = time.monotonic()
        for index, kind in enumerate(dict.fromkeys(KINDS)):
            life = Lifecycle(kind, index)
            run_lifecycle(client, life, self.axis.post_as_ubnd)
            self.reference[kind] = life
        self.reference_seconds = time.monotonic() - started
        started = time.monotonic()
        stop = threading.Event()
        chaos = threading.Thread(target=self._chaos, args=(rng, plan, stop), daemon=True)
        chaos.start()
        lives = [Lifecycle(KINDS[i % len(KINDS)], len(self.reference) + i) for i in range(plan.lifecycles)]
        self.lifecycles = lives
        local = threading.local()  # one HTTP session per worker thread

        def one(life: Lifecycle) -> None:
            if not hasattr(local, "client"):
                local.client = self._client()
            run_lifecycle(local.client, life, self.axis.post_as_ubnd)

        pool = ThreadPoolExecutor(plan.workers)
        try:
            for future in [pool.submit(one, life) for life in lives]:
                future.result()
            # Short runs go on, one lifecycle at a time, until each server was killed often enough.
            while min(self.web.kills, self.scheduler.kills) < plan.min_kills:
                life = Lifecycle(KINDS[len(lives) % len(KINDS)], len(self.reference) + len(lives))
                lives.append(life)
                run_lifecycle(client, life, self.axis.post_as_ubnd)
        finally:
            pool.shutdown(cancel_futures=True)  # a stuck lifecycle (or Ctrl+C) ends the run without the rest
            stop.set()
            chaos.join()
        self.elapsed = time.monotonic() - started

    def _chaos(self, rng: random.Random, plan: Plan, stop: threading.Event) -> None:
        while not stop.wait(rng.uniform(*plan.kill_every)):
            # The one killed least so far, or either at random: both die often, at unrelated moments.
            web_behind = self.web.kills < self.scheduler.kills
            target = self.web if web_behind or (self.web.kills == self.scheduler.kills and rng.random() < .5) \
                else self.scheduler
            target.restart()

    def drain(self, app) -> dict:
        """Stop the servers, then deliver what a killed scheduler left claimed or waiting, as the next
        scheduler run would once those claims expired (the clock moved past them)."""
        self.web.stop()
        self.scheduler.stop()
        app.config.update(self.server_settings)
        counts = {"email": 0, "edxml": 0}
        with clock.frozen(clock.now() + timedelta(hours=3)):
            for _ in range(10):
                sent_mail = mailer.deliver_pending(limit=10_000)["sent"]
                sent_axis = delivery.deliver_pending(limit=10_000)["sent"]
                counts["email"] += sent_mail
                counts["edxml"] += sent_axis
                if not sent_mail and not sent_axis:
                    break
        self.drained = counts
        return counts
