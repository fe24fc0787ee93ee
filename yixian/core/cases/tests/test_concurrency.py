"""Two handlers acting on the same case at once, on two real database connections.

PostgreSQL only: SQLite serialises writers on the file and its in-memory test database is not
shared between connections."""

import threading

import pytest
from django.db import connection, connections

from yixian.core.cases import services
from yixian.core.cases.models import Case, CaseState, CaseStep

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (two connections)"),
]


def race(*calls):
    """Run each call in its own thread (own connection), released together; collect outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            outcomes[i] = ("ok", fn())
        except services.CaseError as exc:
            outcomes[i] = ("error", exc)
        except Exception as exc:  # anything else is a failure of the test
            outcomes[i] = ("crash", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_two_handlers_sign_at_once_one_wins_the_other_is_told(world, new_case):
    case = new_case()
    case = services.act(case, "dispatch", actor=world.dispatcher, target_unit=world.dept)
    version = case.version
    outcomes = race(
        lambda: services.act(case.pk, "sign", actor=world.handler, expected_version=version),
        lambda: services.act(case.pk, "sign", actor=world.handler_b, expected_version=version),
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert error.status == 409 and "已被他人处理" in error.message
    case.refresh_from_db()
    assert case.state == CaseState.SIGNED
    assert CaseStep.objects.filter(case=case, action="sign").count() == 1
    assert case.version == version + 1


def test_two_different_steps_at_once_are_both_kept(world, new_case):
    """A reminder and a sign taken at the same moment: the row lock serialises them; neither is lost."""
    case = new_case()
    case = services.act(case, "dispatch", actor=world.dispatcher, target_unit=world.dept)
    version = case.version
    outcomes = race(
        lambda: services.act(case.pk, "sign", actor=world.handler),
        lambda: services.act(case.pk, "remind", actor=world.dispatcher, note="请尽快签收"),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    case = Case.objects.get(pk=case.pk)
    assert case.version == version + 2
    assert case.reminders_count == 1 and case.state == CaseState.SIGNED
    assert set(CaseStep.objects.filter(case=case).values_list("action", flat=True)) >= {"sign", "remind"}
