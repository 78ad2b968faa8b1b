// Server Dashboard: progressive enhancement only. Every page works without this file.
// 1. Theme: light/dark from the system, or the toggle's choice kept in localStorage.
// 2. Live updates (docs/dashboard.md, "Live updates"): the page opens the api's event stream
//    (<body data-events>); on a `collection` or `alert` event it fetches its own URL's #page
//    fragment (X-Fragment: page) and swaps it in place, keeping scroll, keyboard focus, open
//    <details> and typed filter values; bursts give at most one refresh per 300 ms. Every
//    alert event is a toast; a `database` event (the api lost or regained PostgreSQL) is a
//    toast and a refresh, so the stale banner comes and goes by itself. Only when the stream cannot be opened does the page poll,
//    every data-refresh seconds, until the stream opens again. <body data-live="off"> (a
//    history with a fixed window): alerts are toasted, the content is not refreshed.
//    <body data-stream> says "open" or "polling" (for the curious and the browser tests).
// 3. The refresh control refreshes in place and says so; export links say an export started.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "sd-theme";
  var DEBOUNCE_MS = 300;
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  var saved = stored();
  if (saved === "light" || saved === "dark") { root.setAttribute("data-theme", saved); }

  function currentTheme() {
    var t = root.getAttribute("data-theme");
    if (t) { return t; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function setupTheme() {
    var button = document.getElementById("theme-toggle");
    if (!button) { return; }
    function label() {
      var next = currentTheme() === "dark" ? "light" : "dark";
      button.textContent = next === "dark" ? "Dark theme" : "Light theme";
      button.setAttribute("aria-label", "Switch to the " + next + " theme");
    }
    button.hidden = false;
    label();
    button.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem(KEY, next); } catch (e) { /* private mode: not kept */ }
      label();
    });
  }

  // --- toasts: a stack, text only (never markup) --------------------------------------
  var MAX_TOASTS = 5;
  function toast(text, kind) {
    var box = document.getElementById("toasts");
    if (!box) { return; }
    var item = document.createElement("div");
    item.className = "toast" + (kind ? " " + kind : "");
    item.textContent = text;
    box.appendChild(item);
    while (box.children.length > MAX_TOASTS) { box.removeChild(box.firstChild); }
    function remove() { if (item.parentNode) { item.parentNode.removeChild(item); } }
    item.addEventListener("click", remove);
    setTimeout(remove, kind === "bad" ? 12000 : 6000);
  }

  function alertText(data) {
    var state = data.state === "opened" ? "opened" : data.state === "escalated" ? "escalated" : data.state === "resolved" ? "resolved" : "changed";
    var text = "Alert " + state + ": " + String(data.server || "?").slice(0, 120) + " · " + String(data.type || "?").slice(0, 40);
    if (data.severity) { text += " (" + String(data.severity).slice(0, 20) + ")"; }
    return text;
  }

  // --- swapping #page in place ---------------------------------------------------------
  function typing() {
    var active = document.activeElement;
    return !!(active && (active.form || active.tagName === "SELECT" || active.tagName === "INPUT" || active.tagName === "TEXTAREA"));
  }

  function detailsKey(element, index) {
    if (element.id) { return "#" + element.id; }
    var summary = element.querySelector("summary");
    return (summary ? summary.textContent : "") + "@" + index;
  }

  // Values typed into the page's forms but not submitted, by form and field name.
  function typedValues(page) {
    var values = [];
    var fields = page.querySelectorAll("input, select, textarea");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (!field.name || !field.form) { continue; }
      var dirty = field.type === "checkbox" || field.type === "radio" ? field.checked !== field.defaultChecked
        : field.tagName === "SELECT" ? !(field.selectedIndex < 0 || field.options[field.selectedIndex].defaultSelected)
          : field.value !== field.defaultValue;
      if (dirty) { values.push({ form: field.form.id || field.form.getAttribute("action"), name: field.name, value: field.value, checked: field.checked, type: field.type }); }
    }
    return values;
  }

  function restoreTyped(page, values) {
    values.forEach(function (saved) {
      var fields = page.querySelectorAll("[name]");
      for (var i = 0; i < fields.length; i++) {
        var field = fields[i];
        if (field.name !== saved.name || !field.form || (field.form.id || field.form.getAttribute("action")) !== saved.form) { continue; }
        if (saved.type === "checkbox" || saved.type === "radio") {
          if (field.value === saved.value) { field.checked = saved.checked; }
        } else {
          field.value = saved.value;
        }
      }
    });
  }

  // Replaces the content, keeping scroll, focus, open <details> and typed values.
  function swap(page, fresh) {
    var x = window.scrollX, y = window.scrollY;
    var active = document.activeElement;
    var was = active && active !== page && page.contains(active) && active.tagName !== "MAIN"
      ? { id: active.id, tag: active.tagName, href: active.getAttribute("href"), text: active.textContent } : null;
    var open = {};
    var details = page.querySelectorAll("details");
    for (var d = 0; d < details.length; d++) { open[detailsKey(details[d], d)] = details[d].open; }
    var typed = typedValues(page);
    page.innerHTML = fresh.innerHTML;
    details = page.querySelectorAll("details");
    for (var e = 0; e < details.length; e++) {
      var key = detailsKey(details[e], e);
      if (Object.prototype.hasOwnProperty.call(open, key)) { details[e].open = open[key]; }
    }
    restoreTyped(page, typed);
    if (was) {
      var again = was.id ? document.getElementById(was.id) : null;
      if (!again) {
        var candidates = page.getElementsByTagName(was.tag);
        for (var i = 0; i < candidates.length && !again; i++) {
          if (candidates[i].getAttribute("href") === was.href && candidates[i].textContent === was.text) { again = candidates[i]; }
        }
      }
      if (again) { again.focus({ preventScroll: true }); }
    }
    window.scrollTo(x, y);
  }

  // --- refreshing ----------------------------------------------------------------------
  var failing = false;
  var inFlight = false;
  var again = null;       // a refresh asked for while one was in flight: "auto" or "manual"
  var pending = false;    // a refresh deferred until typing ends or the page is visible
  var timer = null;
  var lastStart = 0;

  // Fetches this page's #page fragment and swaps it in; `manual` toasts the outcome.
  function refresh(manual) {
    if (!window.fetch || !window.DOMParser) { if (manual) { window.location.reload(); } return; }
    if (inFlight) { again = manual || again === "manual" ? "manual" : "auto"; return; }
    if (!manual && (document.hidden || typing())) { pending = true; return; }
    pending = false;
    inFlight = true;
    lastStart = Date.now();
    fetch(window.location.href, { headers: { "Accept": "text/html", "X-Fragment": "page" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.text().then(function (text) { return { response: response, text: text }; });
      })
      .then(function (result) {
        var doc = new DOMParser().parseFromString(result.text, "text/html");
        var fresh = doc.getElementById("page");
        var page = document.getElementById("page");
        var apiDown = result.response.status >= 500 || !fresh || doc.getElementById("api-banner");
        if (apiDown) {
          failing = true;
          toast("Refresh failed: " + (doc.getElementById("api-banner") ? "the api is unavailable" : "the server answered " + result.response.status) + ". Showing the last figures.", "bad");
          return;
        }
        if (page && fresh) { swap(page, fresh); }
        if (doc.title) { document.title = doc.title; }
        document.dispatchEvent(new CustomEvent("sd:refreshed"));
        recheckWhileStale();
        if (failing) { failing = false; toast("Refresh works again; figures are current."); }
        else if (manual) { toast("Refreshed."); }
      })
      .catch(function () {
        failing = true;
        toast("Refresh failed: the dashboard cannot be reached. Showing the last figures.", "bad");
      })
      .then(function () {
        inFlight = false;
        if (again) { var manualAgain = again === "manual"; again = null; schedule(manualAgain); }
      });
  }

  // While the page shows the stale banner, look again every STALE_RECHECK_MS: the api's
  // `database` event brings the fresh page, and this brings it even if that event was missed.
  var STALE_RECHECK_MS = 5000;
  var staleTimer = null;
  function recheckWhileStale() {
    if (staleTimer || !document.getElementById("stale-banner") || document.body.getAttribute("data-live") === "off") { return; }
    staleTimer = setTimeout(function () { staleTimer = null; schedule(false); }, STALE_RECHECK_MS);
  }

  // At most one refresh per DEBOUNCE_MS: the first event of a burst refreshes at once.
  function schedule(manual) {
    if (timer) { return; }
    var wait = Math.max(0, lastStart + DEBOUNCE_MS - Date.now());
    timer = setTimeout(function () { timer = null; refresh(manual); }, wait);
  }

  function setupRefreshControl() {
    document.addEventListener("click", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a#page-refresh, a#refresh") : null;
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      if (link.href.split("#")[0] !== window.location.href.split("#")[0]) { return; }
      event.preventDefault();
      refresh(true);
    });
    document.addEventListener("click", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a[data-export], a[download]") : null;
      if (!link) { return; }
      var what = link.getAttribute("data-export") || link.textContent.trim();
      toast("Export of " + what.slice(0, 60) + " started.");
    });
  }

  // --- the event stream, and polling only without it ---------------------------------
  function setupLive() {
    var body = document.body;
    var url = body.getAttribute("data-events");
    var live = body.getAttribute("data-live") !== "off";
    var seconds = parseInt(body.getAttribute("data-refresh"), 10);
    var poller = null;
    var source = null;
    var opened = false;

    function startPolling() {
      body.setAttribute("data-stream", "polling");
      if (poller || !live || !(seconds > 0)) { return; }
      poller = setInterval(function () {
        schedule(false);
        if (source && source.readyState === 2) { connect(); }
      }, seconds * 1000);
    }
    function stopPolling() { if (poller) { clearInterval(poller); poller = null; } }

    function connect() {
      if (source) { source.close(); }
      try { source = new window.EventSource(url); } catch (e) { source = null; startPolling(); return; }
      source.addEventListener("open", function () {
        var wasPolling = poller !== null || opened;
        opened = true;
        stopPolling();
        body.setAttribute("data-stream", "open");
        // Events may have been missed while the stream was away.
        if (wasPolling && live) { schedule(false); }
      });
      source.addEventListener("error", function () {
        // Closed for good (an error status), or still trying: poll until it opens.
        if (source.readyState === 2 || !opened || source.readyState === 0) { startPolling(); }
      });
      source.addEventListener("collection", function () {
        document.dispatchEvent(new CustomEvent("sd:collection"));
        if (live) { schedule(false); }
      });
      source.addEventListener("database", function (event) {
        var data = {};
        try { data = JSON.parse(event.data); } catch (e) { /* treated as "reachable" */ }
        toast(data.state === "unreachable" ? "The database is unreachable; showing the last known figures." : "The database is back; figures are current.",
          data.state === "unreachable" ? "warn" : "good");
        if (live) { schedule(false); }
      });
      source.addEventListener("alert", function (event) {
        var data = {};
        try { data = JSON.parse(event.data); } catch (e) { /* shown as an unknown alert */ }
        toast(alertText(data), data.state === "resolved" ? "good" : data.severity === "critical" ? "bad" : "warn");
        if (live) { schedule(false); }
      });
    }

    if (url && window.EventSource) { connect(); } else { startPolling(); }
    window.addEventListener("pagehide", function () { if (source) { source.close(); } });
    // Back from the back/forward cache: the stream was closed on the way out.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted && url && window.EventSource) { connect(); if (live) { schedule(false); } }
    });
    // Other scripts (and the browser tests) may ask for an in-place refresh.
    document.addEventListener("sd:refresh", function () { schedule(false); });
    document.addEventListener("visibilitychange", function () { if (!document.hidden && pending) { schedule(false); } });
    // A refresh deferred while a field had focus runs right after the field loses it.
    document.addEventListener("focusout", function () {
      setTimeout(function () { if (pending && !typing()) { schedule(false); } }, 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupTheme();
    setupRefreshControl();
    setupLive();
    recheckWhileStale();
  });
})();
