"""Load test scenario (locust): members of the platform over the landing page, the seed list
API, search, proposals and notifications, plus the liveness probe (issue 12).

Run by `make loadtest` (scripts/load_test.sh: a scratch database with 10k seeds, gunicorn,
Celery workers, 50 users during and after a 10k-seed import) and, for a few seconds, by the
smoke test tests/benchmarks/test_load_scenario.py. Figures come from the benchmark run, never
from the test. Environment:

- `LOAD_USERS_PREFIX` (default `load-user-`) and `LOAD_PASSWORD`: the accounts the users sign in
  with (`<prefix>0` … `<prefix>(LOAD_ACCOUNTS - 1)`, created by
  `manage.py benchmark_load_setup`); each simulated user takes one, round robin.
- `LOAD_ACCOUNTS` (default 50).
- `LOAD_SMOKE=1`: each user calls every route once when it starts (the smoke test).
- `LOAD_TOKENS_FILE`: API tokens of members already signed in, one per line
  (`benchmark_load_setup --tokens`); then no user signs in during the run. Signing in costs a
  password hash (PBKDF2, hundreds of ms of CPU by design): fifty of them at the start of a
  one-minute phase on two cores would measure the password hasher, not the pages.

Notifications are built on another branch: the route is called when it exists; a 404 on the
first call makes that user stop calling it (reported once as "notifications (absent)").
"""

from __future__ import annotations

import itertools
import os
import random

from locust import HttpUser, between, task

PREFIX = os.environ.get("LOAD_USERS_PREFIX", "load-user-")
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-Sangaku-2026")
ACCOUNTS = int(os.environ.get("LOAD_ACCOUNTS", "50"))
SMOKE = os.environ.get("LOAD_SMOKE") == "1"
TOKENS_FILE = os.environ.get("LOAD_TOKENS_FILE", "")
TOKENS = open(TOKENS_FILE).read().split() if TOKENS_FILE else []

# Search texts are drawn as three of these terms (about 40,000 combinations), so a web
# process's cache of query vectors rarely helps: nearly every search embeds its text.
TERMS = (
    "全固体電池 固体電解質 リチウム 正極 界面 触媒 水素 燃料電池 半導体 パワーデバイス 量子 "
    "センサ ロボット 制御 画像認識 機械学習 創薬 抗体 ゲノム 再生医療 農業 土壌 米粉 発酵 食品 "
    "放熱 構造ヘルスモニタリング 津波 係留 溶接 疲労 "
    "battery electrolyte catalyst hydrogen semiconductor sensor robot vision learning drug "
    "antibody genome agriculture soil fermentation food polymer composite coating"
).split()


def search_text() -> str:
    return " ".join(random.sample(TERMS, 3))


_accounts = itertools.count()


class Member(HttpUser):
    """A signed-in member of a company: reads, searches, looks at proposals."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        number = next(_accounts) % ACCOUNTS
        if TOKENS:
            token = TOKENS[number % len(TOKENS)]
        else:
            response = self.client.post(
                "/api/auth/token/",
                json={"username": f"{PREFIX}{number}", "password": PASSWORD},
                name="sign in (token)",
            )
            token = response.json().get("token", "") if response.ok else ""
        self.auth = {"Authorization": f"Token {token}"}
        self.notifications = True
        if SMOKE:  # the smoke test: every route once per user, then the random mix
            for call in (self.landing, self.seed_list, self.search, self.proposals):
                call()
            self.notifications_once()
            self.healthz()

    @task(2)
    def landing(self) -> None:
        self.client.get("/", name="landing")

    @task(2)
    def seed_list(self) -> None:
        page = 1 if SMOKE else random.randint(1, 5)
        self.client.get(f"/api/seeds/?page={page}", headers=self.auth, name="seed list API")

    @task(4)
    def search(self) -> None:
        self.client.get(
            "/api/search/seeds/",
            params={"q": search_text(), "limit": 10},
            headers=self.auth,
            name="search",
        )

    @task(2)
    def proposals(self) -> None:
        self.client.get("/api/proposals/", headers=self.auth, name="proposals")

    @task(1)
    def notifications(self) -> None:
        self.notifications_once()

    def notifications_once(self) -> None:
        if not self.notifications:
            return
        with self.client.get(
            "/api/notifications/", headers=self.auth, name="notifications", catch_response=True
        ) as response:
            if response.status_code == 404:
                response.success()  # not on this branch yet: skipped from now on
                self.notifications = False

    @task(1)
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")
