// yixian: the charts of the case KPI page (/cases/kpis/). The data comes from the page's
// <script type="application/json" id="kpi-data"> (json_script); no inline code (CSP).
(function () {
  "use strict";
  var source = document.getElementById("kpi-data");
  if (!source || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function percent(value) {
    return value === null || value === undefined ? "—" : Number(value).toFixed(2) + "%";
  }

  function make(id, height) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    el.style.height = height + "px"; // CSSOM, allowed by the CSP (no style attribute in the HTML)
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  // On-time close rate by responsible unit: horizontal bars, long unit names stay readable on a phone.
  var bar = data.bar;
  if (bar && bar.rows.length) {
    var rows = bar.rows.slice().reverse(); // the first unit at the top
    var barChart = make("kpi-chart-bar", Math.max(220, rows.length * 30 + 60));
    barChart.setOption({
      grid: { left: 8, right: 56, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var row = rows[p.dataIndex];
          return row.name + "<br>" + bar.title + " " + percent(row.value) + "（" + row.num + "/" + row.den + "）";
        }
      },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: {
        type: "category",
        data: rows.map(function (r) { return r.name; }),
        axisLabel: { width: 110, overflow: "truncate" }
      },
      series: [{
        type: "bar",
        data: rows.map(function (r) { return r.value; }),
        itemStyle: { color: "#206bc4" },
        label: { show: true, position: "right", formatter: function (p) { return percent(p.value); } },
        cursor: "pointer"
      }]
    });
    barChart.on("click", function (p) {
      var row = rows[p.dataIndex];
      if (row && row.url) { window.location.href = row.url; }
    });
  }

  // The main rates month by month over the last 12 months.
  var trend = data.trend;
  if (trend && trend.months.length) {
    var trendChart = make("kpi-chart-trend", 300);
    trendChart.setOption({
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" },
      tooltip: {
        trigger: "axis",
        valueFormatter: percent
      },
      xAxis: { type: "category", data: trend.months, boundaryGap: false },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: trend.series.map(function (s) {
        return { name: s.name, type: "line", data: s.values, connectNulls: false, symbolSize: 6 };
      })
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
