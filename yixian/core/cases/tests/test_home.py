"""The home-page card of the case engine: the user's queues and this month's two main rates."""

import pytest
from django.utils import timezone

from yixian.core.cases import services
from yixian.framework.testing.fixtures import make_user

from .conftest import at

pytestmark = pytest.mark.django_db

NOW = "2026-03-20 12:00"  # a Friday


def step(case, action, actor, now, **kw):
    case.refresh_from_db()
    return services.act(case, action, actor=actor, expected_version=case.version, now=at(now), **kw)


@pytest.fixture
def desk(world, new_case, monkeypatch):
    """区城管局's desk on 2026-03-20 at noon."""
    d, h = world.dispatcher, world.handler

    def case(received, phone, title):
        c = new_case(now=received, requester_phone=phone, title=title)
        step(c, "dispatch", d, received.replace("09:00", "10:00"), target_unit=world.dept)
        return c

    case("2026-03-19 09:00", "13805710021", "待签收且今天到期")  # sign by the end of 03-20
    case("2026-03-20 09:00", "13805710022", "待签收")  # sign by the end of 03-23
    overdue = case("2026-03-10 09:00", "13805710023", "已超期")  # handle by 03-17
    step(overdue, "sign", h, "2026-03-10 11:00")
    handling = case("2026-03-16 09:00", "13805710024", "办理中")  # handle by 03-23
    step(handling, "sign", h, "2026-03-16 11:00")
    replied = case("2026-03-16 09:00", "13805710026", "已答复待回访")  # handle by 03-23
    step(replied, "sign", h, "2026-03-16 11:00")
    step(replied, "reply", h, "2026-03-20 09:00", note="已处理")
    done = case("2026-03-02 09:00", "13805710025", "已办结")
    step(done, "sign", h, "2026-03-02 11:00")
    step(done, "reply", h, "2026-03-04 10:00", note="已处理")
    step(done, "follow_up", d, "2026-03-05 10:00", satisfaction="satisfied", resolved=True)
    monkeypatch.setattr(timezone, "now", lambda: at(NOW))
    return world


def card_html(client, user) -> str:
    client.force_login(user)
    html = client.get("/").content.decode()
    start = html.find('data-card="cases.work"')
    assert start > 0, "the case card is missing"
    return html[start : html.find('data-card="', start + 10) if html.find('data-card="', start + 10) > 0 else None]


def test_the_card_shows_the_users_queues_with_links(client, desk):
    html = card_html(client, desk.handler)
    assert "我的工单" in client.get("/").content.decode()
    for queue, count in (("to_sign", 2), ("to_handle", 2), ("due_soon", 1), ("overdue", 1)):
        assert f'<a href="/cases/cases/?queue={queue}">{count}</a>' in html, queue
        listed = client.get(f"/cases/cases/?queue={queue}")
        assert listed.context["total"] == count, queue


def test_the_card_shows_this_months_rates_with_their_denominators(client, desk):
    html = card_html(client, desk.handler)
    # counted in March by noon on the 20th: the closed and the replied case (on time), the overdue one
    assert "本月按时办结率" in html and "66.67%（2/3）" in html
    assert "本月满意率" in html and "100.00%（1/1）" in html
    assert 'href="/cases/kpis/?period=2026-03"' in html
    page = client.get("/cases/kpis/?period=2026-03").context["report"]
    close = page.total.values["close_on_time"]
    assert (close.numerator, close.denominator) == (2, 3)
    assert "待回访" not in html  # a handler does not follow up


def test_a_dispatcher_also_sees_what_waits_for_them(client, desk):
    html = card_html(client, desk.dispatcher)
    assert (
        '<a class="list-group-item list-group-item-action d-flex justify-content-between" href="/cases/cases/?queue=to_follow_up">'
        in html
    )
    assert "待回访" in html and "待派单" not in html  # nothing waits to be dispatched: no row
    assert client.get("/cases/cases/?queue=to_follow_up").context["total"] == 1


def test_another_department_sees_none_of_it(client, desk):
    html = card_html(client, desk.other_handler)
    for queue in ("to_sign", "to_handle", "due_soon", "overdue"):
        assert f'<a href="/cases/cases/?queue={queue}">0</a>' in html, queue
    assert "—（0/0）" in html


def test_no_card_without_the_view_permission(client, desk):
    client.force_login(make_user("t_plain", units=[desk.org.street_a]))
    assert 'data-card="cases.work"' not in client.get("/").content.decode()
