// yixian: the charts of the dashboard (驾驶舱, /indicators/dashboard/). The data comes from the
// page's <script type="application/json" id="dashboard-data"> (json_script); no inline code (CSP).
// Every bar and point opens the records behind it: the URLs come with the data.
(function () {
  "use strict";
  var form = document.getElementById("dashboard-filter");
  if (form) {
    ["dashboard-unit", "dashboard-period"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.addEventListener("change", function () { form.submit(); }); }
    });
  }
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function show(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    return unit === "%" ? Number(value).toFixed(2) + "%" : String(value) + (unit ? " " + unit : "");
  }

  function make(id, height) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    el.style.height = height + "px"; // CSSOM, allowed by the CSP (no style attribute in the HTML)
    el.style.width = "100%";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function open(url) { if (url) { window.location.href = url; } }

  (data.trends || []).forEach(function (t) {
    var chart = make(t.id, 280);
    if (!chart) { return; }
    chart.setOption({
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return show(v, t.unit); } },
      xAxis: { type: "category", data: t.months, boundaryGap: false },
      yAxis: { type: "value", axisLabel: { formatter: t.unit === "%" ? "{value}%" : "{value}" } },
      series: [{ name: t.title, type: "line", data: t.values, connectNulls: false, symbolSize: 6, itemStyle: { color: "#206bc4" } }]
    });
  });

  (data.rankings || []).forEach(function (r) {
    var rows = r.rows.slice().reverse(); // the first place at the top
    var chart = make(r.id, Math.max(200, rows.length * 28 + 50));
    if (!chart) { return; }
    chart.setOption({
      grid: { left: 8, right: 64, top: 8, bottom: 24, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) { var row = rows[p.dataIndex]; return row.name + "<br>" + r.title + " " + row.display; } },
      xAxis: { type: "value", axisLabel: { formatter: r.unit === "%" ? "{value}%" : "{value}" } },
      yAxis: { type: "category", data: rows.map(function (row) { return row.name; }), axisLabel: { width: 100, overflow: "truncate" } },
      series: [{
        type: "bar",
        data: rows.map(function (row) { return row.value; }),
        itemStyle: { color: "#206bc4" },
        label: { show: true, position: "right", formatter: function (p) { return rows[p.dataIndex].display; } },
        cursor: "pointer"
      }]
    });
    chart.on("click", function (p) { var row = rows[p.dataIndex]; open(row && row.url); });
  });

  (data.gauges || []).forEach(function (g) {
    var chart = make(g.id, 120);
    if (!chart) { return; }
    var max = g.unit === "%" ? 100 : Math.max(g.value || 0, g.target || 0, 1) * 1.2;
    chart.setOption({
      series: [{
        type: "gauge", min: 0, max: max, radius: "95%", center: ["50%", "60%"],
        startAngle: 200, endAngle: -20, progress: { show: true, width: 10 },
        axisLine: { lineStyle: { width: 10 } }, axisLabel: { show: false }, splitLine: { show: false },
        axisTick: { show: false }, pointer: { show: false }, title: { show: false },
        detail: { valueAnimation: false, fontSize: 16, offsetCenter: [0, "10%"], formatter: function (v) { return show(v, g.unit); } },
        data: [{ value: g.value }]
      }]
    });
    chart.on("click", function () { open(g.url); });
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
