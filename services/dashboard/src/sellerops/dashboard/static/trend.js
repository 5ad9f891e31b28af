// The seller page's 90-day trend (time travel answers from the health service) drawn with uPlot, and the
// orders behind each counter as links.
(function () {
  "use strict";
  const section = document.getElementById("trend");
  if (!section || !window.uPlot) return;
  const seller = section.dataset.seller;
  const state = document.getElementById("trend-state");
  const url = "/sellers/" + encodeURIComponent(seller) + "/trend.json?marketplace=" + encodeURIComponent(section.dataset.marketplace);

  function chart(key, serie, times) {
    const box = document.createElement("div");
    box.className = "chart";
    box.dataset.measure = key;
    document.getElementById("charts").appendChild(box);
    const rates = serie.rates.map(function (r) { return r === null ? null : r * 100; });
    const target = times.map(function () { return serie.target * 100; });
    new uPlot({
      title: serie.title + " (" + key + ")", width: 360, height: 180,
      scales: { y: { range: function (u, lo, hi) { return [0, Math.max(hi || 0, serie.target * 100) * 1.2 || 1]; } } },
      legend: { show: false },
      axes: [{}, { size: 64, values: function (u, ticks) { return ticks.map(function (t) { return t.toFixed(1) + "%"; }); } }],
      series: [{}, { label: "rate", stroke: "#0b57d0", width: 2, spanGaps: true },
               { label: "target", stroke: "#c62828", dash: [6, 4], width: 1 }],
    }, [times, rates, target], box);
  }

  function why(found, asOf) {
    const where = document.getElementById("why");
    document.getElementById("why-as-of").textContent = "(as of " + asOf.replace("T", " ").slice(0, 16) + " UTC)";
    const keys = Object.keys(found).sort();
    if (!keys.length) { where.innerHTML = '<p class="muted">no order counted</p>'; return; }
    keys.forEach(function (key) {
      const title = document.createElement("h3");
      title.textContent = key + " (" + found[key].length + ")";
      const list = document.createElement("ul");
      list.dataset.why = key;
      found[key].forEach(function (order) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = "/sellers/" + encodeURIComponent(seller) + "/orders/" + encodeURIComponent(order);
        link.textContent = order;
        item.appendChild(link);
        list.appendChild(item);
      });
      where.appendChild(title);
      where.appendChild(list);
    });
  }

  fetch(url, { cache: "no-store" }).then(function (answer) {
    if (!answer.ok) throw new Error("the trend could not be read (" + answer.status + ")");
    return answer.json();
  }).then(function (trend) {
    const times = trend.as_of.map(function (t) { return Date.parse(t) / 1000; });
    Object.keys(trend.series).sort().forEach(function (key) { chart(key, trend.series[key], times); });
    why(trend.why, trend.why_as_of);
    state.textContent = "(" + trend.days[0] + " to " + trend.days[trend.days.length - 1] + ", every " +
      Math.round((times[1] - times[0]) / 86400) + " days)";
    section.dataset.loaded = "1";
  }).catch(function (err) {
    state.textContent = "(" + err.message + ")";
    section.dataset.loaded = "error";
  });
})();
