"""The dashboard page and the briefing download, as the roles that use them."""

from __future__ import annotations

import io
import json
import re

from django.urls import reverse
from docx import Document

from yixian.core.reports.models import BriefingRecord

DASHBOARD = "/indicators/dashboard/"


def test_leader_sees_the_district_dashboard_with_links_to_records(client, district):
    client.force_login(district.leader)
    response = client.get(DASHBOARD, {"period": "2026-11"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "拱墅区 · 驾驶舱" in html
    dash = response.context["dash"]
    assert dash.kind == "district" and dash.unit is None
    codes = [f.code for f in dash.figures]
    assert codes == ["projects.total", "projects.red", "projects.investment_rate"]
    red = next(f for f in dash.figures if f.code == "projects.red")
    assert red.display == "1"
    assert f'href="{red.url.replace("&", "&amp;")}"' in html
    assert red.url.startswith("/indicators/projects.red/records/") and "period=2026-11" in red.url
    rate = next(f for f in dash.figures if f.code == "projects.investment_rate")
    assert (rate.target_display, rate.status_label) == ("95.00%", "达标")
    assert "拱宸桥智慧产业园" in html and dash.red_list[0].reason
    assert dash.overdue_count == 1 and "小区门口占道经营" in html
    data = json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    bars = data["rankings"][0]["rows"]
    assert {b["name"] for b in bars} == {"米市巷", "湖墅"}
    assert all(b["url"].startswith("/indicators/projects.total/records/") and "unit=" in b["url"] for b in bars)
    assert len(data["trends"][0]["months"]) == 12
    assert "<script>" not in html.replace('<script id="dashboard-data"', "")  # no inline code (CSP)
    assert 'id="briefing-docx"' in html


def test_street_worker_lands_on_their_street_and_sees_only_it(client, district):
    client.force_login(district.street_worker)
    response = client.get(DASHBOARD, {"period": "2026-11"})
    assert response.status_code == 200
    dash = response.context["dash"]
    assert dash.unit == district.org.street_a and dash.kind == "street"
    assert [p.name for p in dash.red_list] == ["拱宸桥智慧产业园"]
    assert next(f for f in dash.figures if f.code == "projects.total").display == "1"
    units = [u.code for u in response.context["units"]]
    assert district.org.street_b.code not in units and district.org.street_a.code in units
    assert "湖墅南路数字经济楼宇" not in response.content.decode()


def test_unit_outside_scope_is_404_and_bad_period_400(client, district):
    client.force_login(district.street_worker)
    assert client.get(DASHBOARD, {"unit": district.org.street_b.code}).status_code == 404
    assert client.get(DASHBOARD, {"unit": "NO-SUCH"}).status_code == 404
    response = client.get(DASHBOARD, {"period": "2026-13"})
    assert response.status_code == 400
    assert "统计期" in response.content.decode()
    url = reverse("reports:briefing")
    assert client.get(url, {"unit": district.org.street_b.code, "period": "2026-10"}).status_code == 404
    bad = client.get(url, {"period": "10/2026"})
    assert bad.status_code == 400 and "统计期" in bad.content.decode()
    assert client.get(url, {"period": "2026-10", "format": "xls"}).status_code == 400
    assert not BriefingRecord.objects.exists()  # nothing generated, nothing logged


def test_without_the_indicator_permission_no_dashboard_nor_briefing(client, district):
    client.force_login(district.stranger)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(reverse("reports:briefing"), {"period": "2026-10"}).status_code == 403
    client.logout()
    assert client.get(DASHBOARD).status_code == 302


def test_leader_downloads_the_street_briefing(client, district):
    client.force_login(district.leader)
    url = reverse("reports:briefing")
    response = client.get(url, {"period": "2026-11", "unit": district.org.street_a.code, "format": "docx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    assert "米市巷街道一线工作简报" in document.paragraphs[0].text
    pdf = client.get(url, {"period": "2026-11", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"
    logged = list(BriefingRecord.objects.order_by("id").values_list("user_id", "org_unit_id", "period", "format"))
    assert logged == [
        (district.leader.pk, district.org.street_a.pk, "2026-11", "docx"),
        (district.leader.pk, None, "2026-11", "pdf"),
    ]


def test_administrator_configuration_changes_the_dashboard(client, district):
    from .conftest import configure_dashboard

    configure_dashboard(items=[("projects.red", "figure"), ("projects.total", "gauge")])
    client.force_login(district.leader)
    dash = client.get(DASHBOARD, {"period": "2026-11"}).context["dash"]
    assert [(f.code, f.chart) for f in dash.figures] == [("projects.red", "figure"), ("projects.total", "gauge")]
    assert not dash.trends and not dash.rankings
    assert 'id="dashboard-configure"' not in client.get(DASHBOARD).content.decode()  # a leader reads, does not configure


def test_auditor_reads_who_generated_which_briefing(client, district):
    from yixian.framework.testing.fixtures import make_role, make_user

    client.force_login(district.leader)
    client.get(reverse("reports:briefing"), {"period": "2026-11", "unit": district.org.street_a.code})
    auditor = make_user(
        "t_auditor", units=[district.org.district], roles=[make_role("t_auditor", ["reports.view_briefingrecord"], "all")]
    )
    client.force_login(auditor)
    page = client.get("/reports/briefing-records/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "米市巷街道" in html and "2026-11" in html and "t_leader" in html
    client.force_login(district.leader)  # the leader may generate briefings, not read the log
    assert client.get("/reports/briefing-records/").status_code in (403, 404)


def test_an_administrator_opens_the_configuration_from_the_dashboard(client, district):
    from yixian.framework.testing.fixtures import make_role, make_user

    perms = ["indicators.view_dashboarditem", "indicators.change_dashboarditem"]
    admin = make_user("t_admin", units=[district.org.district], roles=[make_role("t_admin", perms, "all")])
    client.force_login(admin)
    html = client.get(DASHBOARD, {"period": "2026-11"}).content.decode()
    link = re.search(r'id="dashboard-configure" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link == "/indicators/dashboard-items/?dashboard=district"
    page = client.get(link)
    assert page.status_code == 200 and "projects.investment_rate" in page.content.decode()
