// Live pages: the part of the page inside #live is fetched again (?fragment=1) when the dashboard's index
// moves (server-sent events from /live), or every 3 seconds on the services page.
(function () {
  "use strict";
  const live = document.getElementById("live");
  if (!live || live.dataset.mode === "none") return;
  let busy = false, again = false;

  async function reload() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const url = new URL(window.location.href);
      url.searchParams.set("fragment", "1");
      const answer = await fetch(url, { headers: { Accept: "text/html" }, cache: "no-store" });
      if (answer.ok) {
        live.innerHTML = await answer.text();
        live.dataset.updated = String(Date.now());
        document.dispatchEvent(new CustomEvent("live-updated"));
      }
    } catch (err) {
      // the dashboard restarting: the next change or tick tries again
    } finally {
      busy = false;
      if (again) { again = false; setTimeout(reload, 250); }
    }
  }

  if (live.dataset.mode === "sse" && window.EventSource) {
    const events = new EventSource("/live");
    events.onmessage = function (msg) {
      if (msg.data !== live.dataset.version) { live.dataset.version = msg.data; reload(); }
    };
    events.onerror = function () { /* EventSource reconnects by itself */ };
  } else {
    setInterval(reload, 3000);
  }
})();
