"""Locust users for ``bench/web.py`` (run by it; not on its own).

Each simulated person is a logged-in member (a session made by the benchmark,
read from the JSON file in ``BENCH_WEB_PEOPLE``). ``BENCH_WEB_MODE=pages``
walks the pages people use most: the dashboard, their circle's page, its
meetups, its chat history, and browsing circles with filters.
``BENCH_WEB_MODE=ceiling`` asks for the community guidelines page only: the
same stack, session and middleware, with no work of its own (the ceiling the
pages are compared with). Closed loop: each user sends its next request when
the last one is answered.
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, task

PEOPLE = json.loads(open(os.environ["BENCH_WEB_PEOPLE"]).read())  # noqa: SIM115, PTH123
MODE = os.environ.get("BENCH_WEB_MODE", "pages")
FILTERS = [
    "?mode=virtual&part=evening",
    "?mode=in_person&max_km=50",
    "?topic={topic}&day=2",
    "?part=evening&language=en",
]
_next = itertools.count()


class Person(FastHttpUser):
    def on_start(self):
        self.person = PEOPLE[next(_next) % len(PEOPLE)]
        self.headers = {"Cookie": self.person["cookie"]}

    def get(self, path, name):
        with self.client.get(
            path, headers=self.headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    if MODE == "ceiling":

        @task
        def guidelines(self):
            self.get("/guidelines/", "trivial page")

    else:

        @task
        def dashboard(self):
            self.get("/dashboard/", "dashboard")

        @task
        def circle(self):
            self.get(f"/circles/{self.person['circle_id']}/", "circle page")

        @task
        def meetups(self):
            self.get(f"/meetups/circle/{self.person['circle_id']}/", "meetups")

        @task
        def chat_history(self):
            self.get(f"/chat/{self.person['circle_id']}/messages/", "chat history")

        @task
        def browse(self):
            query = random.choice(FILTERS).format(topic=self.person["topic"])  # noqa: S311
            self.get(f"/circles/{query}", "browse with filters")
