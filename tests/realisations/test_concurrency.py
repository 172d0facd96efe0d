"""Two clients change the same value from the same version: exactly one wins (issue 4, acceptance).

On the run's real database (the SQLite file, or MariaDB), through a real HTTP server in a thread:
each request runs in its own thread with its own session and connection, as in production. The
clients (staff1 and the operator of OPD A, who enters on staff1's behalf) read the realisation,
then a barrier releases their PUTs together; one gets 200 and the other 409, the stored value is
the winner's and its version rose by exactly one. Repeated, so that the race is real.

The free race alone may let one request finish before the other reads. The `held` rounds make the
worst case certain: each PUT is held at its first flush, after services.save has checked the
version in Python, until the other request is there too; both then write from the same version
and only the database (Realisation's version_id_col, the unique key for a creation) can tell them
apart.
"""
from __future__ import annotations

import http.client
import json
import threading
from contextlib import contextmanager, nullcontext

import pytest
from flask import g, has_request_context, request
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from ekinerja.audit.models import AuditEntry
from ekinerja.auth.services import issue_token
from ekinerja.bsc.models import Realisation
from ekinerja.extensions import db

ROUNDS = 20


@pytest.fixture
def server(app):
    """The test app on 127.0.0.1 and a free port, one thread per request; its port."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    srv = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=srv.serve_forever, name="ekinerja-concurrency-server", daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()
    thread.join(timeout=10)
    srv.server_close()


class Client:
    """One API client: its own token and its own HTTP connection per request."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, "/api/v1" + path, body=None if body is None else json.dumps(body),
                         headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"null")
        finally:
            conn.close()

    def seen(self, indicator_id: int, month: int) -> dict | None:
        """The realisation of that indicator and month as this client reads it (or None)."""
        status, body = self.call("GET", f"/realisations?year=2026&month={month}")
        assert status == 200, body
        return next((r for r in body["data"] if r["indicator"]["id"] == indicator_id), None)

    def put(self, indicator_id: int, month: int, body: dict) -> tuple[int, dict]:
        return self.call("PUT", f"/indicators/{indicator_id}/realisations/2026/{month}", body)


def race(*calls) -> list:
    """Run the calls in threads released together by a barrier; their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except BaseException as exc:  # noqa: BLE001  (reported by the test)
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client hung"
    return results


@contextmanager
def held_at_flush(parties: int = 2):
    """Hold each PUT at its first flush until `parties` requests are there (see the docstring of
    this module). Yields a list that records, per held request, whether all of them met."""
    barrier = threading.Barrier(parties)
    met: list[bool] = []

    def hold(session, flush_context, instances):
        if not has_request_context() or request.method != "PUT" or g.get("held_at_flush"):
            return
        g.held_at_flush = True
        try:
            barrier.wait(timeout=15)
            met.append(True)
        except threading.BrokenBarrierError:
            met.append(False)

    event.listen(Session, "before_flush", hold)
    try:
        yield met
    finally:
        event.remove(Session, "before_flush", hold)


def committed(realisation_id: int | None = None, indicator_id: int | None = None, month: int | None = None):
    """(id, value, version) of the realisation as committed, read on a connection of its own."""
    stmt = select(Realisation.id, Realisation.value, Realisation.version)
    if realisation_id is not None:
        stmt = stmt.where(Realisation.id == realisation_id)
    else:
        stmt = stmt.where(Realisation.indicator_id == indicator_id, Realisation.month == month)
    with db.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    assert len(rows) <= 1
    return None if not rows else (rows[0][0], format(rows[0][1].normalize(), "f"), rows[0][2])


def value_changes(realisation_id: int) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "realisation", AuditEntry.entity_id == str(realisation_id),
            AuditEntry.field == "value")).scalar()


@pytest.fixture
def clients(server, iku, people):
    """staff1 and the operator of OPD A, who may both enter staff1's indicator."""
    a, b = Client(server, issue_token(people.staff1)), Client(server, issue_token(people.op_a))
    db.session.commit()  # and end the test's own read: it holds nothing while the clients race
    return a, b


@pytest.fixture
def refused_by_the_database(monkeypatch):
    """What made services.flush refuse a write (StaleDataError: the row's version had moved;
    IntegrityError: the month's row had been created), one entry per refusal."""
    from ekinerja.errors import Conflict
    from ekinerja.realisations import services

    seen: list[str] = []
    original = services.flush

    def flush():
        try:
            original()
        except Conflict as exc:
            seen.append(type(exc.__context__).__name__)
            raise

    monkeypatch.setattr(services, "flush", flush)
    return seen


def outcome(results) -> list[int]:
    for r in results:
        assert not isinstance(r, BaseException), repr(r)
    return sorted(status for status, _ in results)


@pytest.mark.parametrize("held", [False, True], ids=["free-race", "both-passed-the-check"])
def test_two_clients_change_the_same_value_from_the_same_version(iku, clients, held, refused_by_the_database):
    a, b = clients
    indicator_id = iku.s1.id
    status, body = a.put(indicator_id, 4, {"value": "1"})
    assert status == 201, body
    rid = body["data"]["id"]
    for n in range(ROUNDS):
        seen_a, seen_b = a.seen(indicator_id, 4), b.seen(indicator_id, 4)
        version = seen_a["version"]
        assert seen_b["version"] == version == n + 1
        changes = value_changes(rid)
        values = (f"{100 + n}", f"{200 + n}")
        before = len(refused_by_the_database)
        with held_at_flush() if held else nullcontext([]) as met:
            results = race(lambda: a.put(indicator_id, 4, {"value": values[0], "version": version}),
                           lambda: b.put(indicator_id, 4, {"value": values[1], "version": version}))
        assert outcome(results) == [200, 409], (n, results)
        if held:
            assert met == [True, True], f"round {n}: the two writes did not meet at the flush"
            # both had passed the version check: the database refused the loser's UPDATE
            assert refused_by_the_database[before:] == ["StaleDataError"]
        winner = values[[status for status, _ in results].index(200)]
        loser = next(body for status, body in results if status == 409)
        assert loser["error"]["code"] == "conflict" and loser["error"]["message"]
        assert committed(rid) == (rid, winner, version + 1), n
        assert value_changes(rid) == changes + 1  # the loser left no trail
        won = next(body for status, body in results if status == 200)["data"]
        assert (won["value"], won["version"]) == (winner, version + 1)


@pytest.mark.parametrize("held", [False, True], ids=["free-race", "both-found-nothing"])
def test_two_clients_create_the_same_month_at_once(iku, clients, held, refused_by_the_database):
    a, b = clients
    indicator_id = iku.s1.id
    for n in range(ROUNDS):
        with db.engine.begin() as conn:  # the month is empty again
            conn.execute(delete(Realisation).where(Realisation.indicator_id == indicator_id, Realisation.month == 5))
        assert a.seen(indicator_id, 5) is None and b.seen(indicator_id, 5) is None
        values = (f"{100 + n}", f"{200 + n}")
        before = len(refused_by_the_database)
        with held_at_flush() if held else nullcontext([]) as met:
            results = race(lambda: a.put(indicator_id, 5, {"value": values[0]}),
                           lambda: b.put(indicator_id, 5, {"value": values[1]}))
        assert outcome(results) == [201, 409], (n, results)
        if held:
            assert met == [True, True], f"round {n}: the two inserts did not meet at the flush"
            # both had found no row: the unique key refused the loser's INSERT
            assert refused_by_the_database[before:] == ["IntegrityError"]
        winner = values[[status for status, _ in results].index(201)]
        stored = committed(indicator_id=indicator_id, month=5)
        assert stored[1:] == (winner, 1), n
        loser = next(body for status, body in results if status == 409)
        assert loser["error"]["code"] == "conflict"
