"""The case workflow of DOMAIN_RULES §5: every step, its checks, its clock and its record."""

import pytest

from yixian.core.cases import services
from yixian.core.cases.models import Case, CaseState, CaseStep, Notification
from yixian.core.cases.selectors import light

from .conftest import at

pytestmark = pytest.mark.django_db


def step(case, action, actor, now, **kw):
    case.refresh_from_db()
    return services.act(case, action, actor=actor, expected_version=case.version, now=at(now), **kw)


def test_full_round_from_receipt_to_closure(world, new_case):
    case = new_case(now="2026-03-02 09:00")  # Monday
    assert case.state == CaseState.RECEIVED
    assert case.number.startswith("YX20260302")
    assert len(case.tracking_code) == 10

    step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.dept)
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED
    assert case.responsible_unit == world.dept
    # sign within 1 working day, handle within 5: deadlines are the end of those working days
    assert case.sign_due == at("2026-03-03 23:59").replace(second=59, microsecond=999999)
    assert case.handle_due.date().isoformat() == "2026-03-09"
    assert Notification.objects.filter(unit=world.dept, case=case).exists()

    step(case, "sign", world.handler, "2026-03-02 15:00")
    step(case, "progress", world.handler, "2026-03-03 09:00", note="已联系城管中队现场查看")
    step(case, "reply", world.handler, "2026-03-05 16:00", note="已取缔流动摊贩，设置夜间巡查点。")
    case.refresh_from_db()
    assert case.state == CaseState.REPLIED
    assert case.signed_on_time is True and case.replied_on_time is True
    assert case.handling_workdays == 3  # Tue, Wed, Thu after Monday's receipt
    assert case.followup_due.date().isoformat() == "2026-03-06"

    step(case, "follow_up", world.dispatcher, "2026-03-06 10:00", satisfaction="satisfied", resolved=True, note="电话回访")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.closed_at is not None
    actions = list(case.steps.values_list("action", flat=True))
    assert actions == ["receive", "dispatch", "sign", "progress", "reply", "follow_up", "close"]
    actors = list(case.steps.values_list("actor_name", flat=True))
    assert "t_cgj" in actors and "t_paidan" in actors


def test_unsatisfied_follow_up_reopens_with_a_new_clock(world, new_case):
    case = new_case()
    step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.dept)
    step(case, "sign", world.handler, "2026-03-02 11:00")
    step(case, "reply", world.handler, "2026-03-03 11:00", note="已处理")
    step(case, "follow_up", world.dispatcher, "2026-03-04 11:00", satisfaction="unsatisfied", resolved=False)
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED
    assert case.reopen_count == 1
    assert case.handling_unit == world.dept
    assert case.handle_due.date().isoformat() == "2026-03-11"  # 5 working days from the reopening
    assert case.signed_at is None and case.replied_at is None
    assert case.satisfaction == "unsatisfied"  # the rating stays for the KPI
    assert list(case.steps.values_list("action", flat=True))[-2:] == ["follow_up", "reopen"]


def test_a_step_not_allowed_in_the_state_is_refused_and_changes_nothing(world, new_case):
    case = new_case()
    with pytest.raises(services.CaseError) as err:
        step(case, "sign", world.handler, "2026-03-02 10:00")
    assert err.value.status == 409
    assert "已受理" in err.value.message and "签收" in err.value.message
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED and case.version == 1
    assert case.steps.count() == 1


def test_stale_version_is_refused(world, new_case):
    case = new_case()
    services.act(case, "dispatch", actor=world.dispatcher, expected_version=case.version, now=at("2026-03-02 10:00"), target_unit=world.dept)
    with pytest.raises(services.CaseError) as err:
        services.act(case, "dispatch", actor=world.dispatcher, expected_version=1, now=at("2026-03-02 10:01"), target_unit=world.dept2)
    assert err.value.status == 409
    assert "已被他人处理" in err.value.message
    case.refresh_from_db()
    assert case.handling_unit == world.dept


def test_handler_out_of_scope_or_without_permission_is_refused(world, new_case):
    case = new_case()
    step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.dept)
    with pytest.raises(services.CaseError) as err:
        step(case, "sign", world.other_handler, "2026-03-02 11:00")  # another department
    assert err.value.status == 403
    with pytest.raises(services.CaseError) as err:
        step(case, "reassign", world.handler, "2026-03-02 11:00", target_unit=world.dept2, note="x")  # no dispatch right
    assert err.value.status == 403
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED


def test_return_goes_back_to_the_dispatcher_within_the_limit(world, new_case):
    case = new_case()
    step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.dept2)
    with pytest.raises(services.CaseError) as err:
        step(case, "return", world.other_handler, "2026-03-02 11:00")
    assert "退单理由" in err.value.message
    step(case, "return", world.other_handler, "2026-03-02 11:00", note="占道经营属城管职责，非本局职能")
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert case.handling_unit == world.org.district
    assert case.returns_count == 1
    # after the return limit (2 working days from dispatch) a return is refused
    step(case, "dispatch", world.dispatcher, "2026-03-02 14:00", target_unit=world.dept)
    with pytest.raises(services.CaseError) as err:
        step(case, "return", world.handler, "2026-03-05 09:00", note="不属于本单位")
    assert "退单时限" in err.value.message


def test_sub_dispatch_down_the_tree_and_return_to_the_parent(world, new_case):
    case = new_case()
    step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.org.street_a)
    step(case, "sign", world.street, "2026-03-02 10:30")
    handle_due = Case.objects.get(pk=case.pk).handle_due
    step(case, "dispatch", world.street, "2026-03-02 11:00", target_unit=world.org.community_a)
    case.refresh_from_db()
    assert case.handling_unit == world.org.community_a
    assert case.responsible_unit == world.org.street_a  # the KPI stays with the street
    assert case.handle_due == handle_due  # the case's deadline does not move
    with pytest.raises(services.CaseError):
        step(case, "dispatch", world.street, "2026-03-02 11:05", target_unit=world.dept)  # not below the street
    step(case, "sign", world.community, "2026-03-02 12:00")
    step(case, "return", world.community, "2026-03-02 13:00", note="需街道协调执法力量")
    case.refresh_from_db()
    assert case.handling_unit == world.org.street_a
    assert case.state == CaseState.IN_PROGRESS
    assert case.dispatcher_unit == world.org.district


def test_extension_once_and_within_the_limit(world, new_case):
    case = new_case()
    step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.dept)
    step(case, "sign", world.handler, "2026-03-02 11:00")
    with pytest.raises(services.CaseError) as err:
        step(case, "request_extension", world.handler, "2026-03-03 09:00", days=11, note="需协调多部门")
    assert "1 至 10" in err.value.message
    step(case, "request_extension", world.handler, "2026-03-03 09:00", days=3, note="需协调多部门")
    step(case, "decide_extension", world.dispatcher, "2026-03-03 10:00", approve=True)
    case.refresh_from_db()
    assert case.handle_due.date().isoformat() == "2026-03-12"  # 2026-03-09 + 3 working days
    assert case.extensions_count == 1
    with pytest.raises(services.CaseError) as err:
        step(case, "request_extension", world.handler, "2026-03-04 09:00", days=2, note="还需时间")
    assert "上限" in err.value.message


def test_remind_and_supervise_are_recorded_and_notify(world, new_case):
    case = new_case()
    step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.dept)
    step(case, "remind", world.dispatcher, "2026-03-03 10:00", note="请尽快签收")
    step(case, "supervise", world.dispatcher, "2026-03-03 11:00", note="列入督办")
    case.refresh_from_db()
    assert case.reminders_count == 1 and case.is_supervised
    assert Notification.objects.filter(case=case, unit=world.dept, kind="supervise").exists()
    with pytest.raises(services.CaseError):
        step(case, "supervise", world.dispatcher, "2026-03-03 12:00")


def test_urgent_case_runs_on_natural_hours(world, new_case):
    case = new_case(priority="urgent")
    step(case, "dispatch", world.dispatcher, "2026-03-06 22:00", target_unit=world.dept)  # Friday night
    case.refresh_from_db()
    assert case.sign_due == at("2026-03-07 00:00")
    assert case.handle_due == at("2026-03-07 22:00")


def test_light_explains_itself(world, new_case):
    case = new_case()
    assert light(case, at("2026-03-02 10:00")).color == "none"
    step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.dept)
    case.refresh_from_db()
    green = light(case, at("2026-03-02 11:00"))
    assert green.color == "green" and "签收期限 2026-03-03" in green.reason
    yellow = light(case, at("2026-03-03 09:00"))
    assert yellow.color == "yellow" and "仅剩" in yellow.reason
    red = light(case, at("2026-03-05 10:00"))
    assert red.color == "red" and "已超期 1 天" in red.reason


def test_merge_a_repeat_into_the_open_case(world, new_case):
    first = new_case(now="2026-03-02 09:00")
    second = new_case(now="2026-03-03 09:00", title="左家新村门口摊贩占道", description="又有流动摊贩占道经营，晚上油烟扰民。")
    assert second.is_repeat  # same requester, same type, within 30 days
    step(second, "merge", world.dispatcher, "2026-03-03 10:00", into=first)
    second.refresh_from_db()
    assert second.state == CaseState.CLOSED and second.duplicate_of == first


def test_unknown_calendar_year_gives_a_clear_error_and_writes_nothing(world, new_case):
    case = new_case(now="2026-12-30 09:00")
    with pytest.raises(services.CaseError) as err:
        step(case, "dispatch", world.dispatcher, "2026-12-31 10:00", target_unit=world.dept)
    assert "2027" in err.value.message
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert CaseStep.objects.filter(case=case).count() == 1
