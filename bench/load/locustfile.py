"""The simulated partnership: people of every role sign in (password and TOTP code) and browse.

Run by ``python -m bench.load`` (``runner``), which passes the sign-ins in ``LOAD_SIGN_INS`` (a
JSON file: e-mail, role and authenticator key of each). Each simulated user takes a sign-in of
its own (a code is accepted once per account, so users never share one), signs in through the
real pages, reads its navigation from the home page, then browses as a person of that role
does: "what is due" and the home page often, its module pages, and now and then a record
opened from a list. Requests are named by path with the numbers taken out ("/reviews/cases/N"),
so the figures are per page.

No Django here: the TOTP code is computed with the standard library (RFC 6238), as an
authenticator app does.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

from bench.load.totp import totp

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_NAV = re.compile(r'class="govuk-service-navigation__link" href="([^"]+)"')
# A menu group's page (``/menu/<group>``) lists the module pages of that group.
_MENU_LINK = re.compile(r'class="govuk-link govuk-!-font-size-24" href="([^"]+)"')
_HREF = re.compile(r'href="(/[^"#?]*\d[^"#?]*)"')
_SKIP = re.compile(r"\.(csv|xlsx|pdf|ics|json|zip)$|/export|/download|/pack|/sign-|/static/")
_NUMBER = re.compile(r"\d+")

SIGN_INS: list[dict[str, str]] = json.loads(
    open(os.environ.get("LOAD_SIGN_INS", "sign_ins.json")).read()  # noqa: SIM115
)
_next = itertools.count()


def page_name(path: str) -> str:
    return _NUMBER.sub("N", path.split("?", 1)[0])


class Person(HttpUser):
    """One person of the partnership, signed in for the whole run."""

    wait_time = between(1, 5)

    def on_start(self) -> None:
        me = SIGN_INS[next(_next) % len(SIGN_INS)]
        self.role = me["role"]
        self.pages: list[str] = []
        self.records: list[str] = []
        password = os.environ.get("LOAD_PASSWORD", "")
        with self.client.get("/sign-in", name="/sign-in", catch_response=True) as got:
            token = _CSRF.search(got.text)
            if token is None:
                got.failure("no CSRF token on the sign-in page")
                return
        answer = self.client.post(
            "/sign-in",
            {"csrfmiddlewaretoken": token.group(1), "email": me["email"], "password": password},
            name="/sign-in (password)",
        )
        token = _CSRF.search(answer.text)
        if token is None or "/sign-in/code" not in answer.url:
            events.request.fire(
                request_type="SIGNIN",
                name="password refused",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"password step ended at {page_name(answer.url)}"),
            )
            return
        # A code just used by this account (a restarted user) is refused: wait for the next.
        with self.client.post(
            "/sign-in/code",
            {"csrfmiddlewaretoken": token.group(1), "code": totp(me["key"])},
            name="/sign-in/code",
            catch_response=True,
        ) as done:
            if "/sign-in" in done.url:
                done.failure(f"code refused for a {self.role}")
                return
            self.pages = sorted(set(_NAV.findall(done.text)) - {"/"})
            self._remember(done.text)
        # A person with more than nine pages sees a menu of groups (core.navigation): their
        # module pages are one step further, and they browse those as before.
        for group in [page for page in self.pages if page.startswith("/menu/")]:
            with self.client.get(group, name=page_name(group), catch_response=True) as got:
                if got.status_code != 200:
                    got.failure(f"{got.status_code}")
                    continue
                self.pages += _MENU_LINK.findall(got.text)
        self.pages = sorted(set(self.pages))

    def _remember(self, html: str) -> None:
        found = [h for h in _HREF.findall(html) if not _SKIP.search(h)]
        if found:
            self.records = (self.records + found)[-40:]

    def _get(self, path: str) -> None:
        with self.client.get(path, name=page_name(path), catch_response=True) as got:
            if got.status_code != 200:
                got.failure(f"{got.status_code}")
            elif "/sign-in" in got.url and "/sign-in" not in path:
                got.failure("signed out")
            else:
                self._remember(got.text)

    @task(3)
    def what_is_due(self) -> None:
        self._get("/deadlines")

    @task(2)
    def home(self) -> None:
        self._get("/")

    @task(6)
    def module_page(self) -> None:
        if self.pages:
            self._get(random.choice(self.pages))

    @task(4)
    def a_record(self) -> None:
        if self.records:
            self._get(random.choice(self.records))


_times: list[tuple[str, float, bool]] = []


@events.request.add_listener
def _timed(name: str, response_time: float, exception: object = None, **_: object) -> None:
    _times.append((name, response_time, exception is not None))


@events.quitting.add_listener
def _write_times(**_: object) -> None:
    """Every request's time, for the runner's percentiles over pages without the sign-in
    (locust's own "Aggregated" row mixes in Argon2's deliberate cost)."""
    target = os.environ.get("LOAD_TIMES")
    if target:
        with open(target, "w") as out:
            json.dump(_times, out)
