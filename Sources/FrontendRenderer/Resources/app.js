// Server Dashboard: progressive enhancement only. Every page works without this file.
// 1. Theme: light/dark from the system, or the toggle's choice kept in localStorage.
// 2. Auto-refresh: every data-refresh seconds, fetch this same URL and swap #page
//    (keyboard focus stays where it was); a toast says when a refresh fails and when
//    it works again.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "sd-theme";
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

  var toastTimer = null;
  function toast(text, bad) {
    var box = document.getElementById("toast");
    if (!box) { return; }
    box.textContent = text;
    box.className = bad ? "toast bad" : "toast";
    box.hidden = false;
    clearTimeout(toastTimer);
    if (!bad) { toastTimer = setTimeout(function () { box.hidden = true; }, 4000); }
  }

  function busy() {
    var active = document.activeElement;
    return document.hidden || (active && active.form) || (active && active.tagName === "SELECT");
  }

  // Replaces the content, keeping keyboard focus on the same link or button.
  function swap(page, fresh) {
    var active = document.activeElement;
    var was = active && active !== page && page.contains(active) && active.tagName !== "MAIN"
      ? { id: active.id, tag: active.tagName, href: active.getAttribute("href"), text: active.textContent } : null;
    page.innerHTML = fresh.innerHTML;
    if (!was) { return; }
    var again = was.id ? document.getElementById(was.id) : null;
    if (!again) {
      var candidates = page.getElementsByTagName(was.tag);
      for (var i = 0; i < candidates.length && !again; i++) {
        if (candidates[i].getAttribute("href") === was.href && candidates[i].textContent === was.text) { again = candidates[i]; }
      }
    }
    if (again) { again.focus({ preventScroll: true }); }
  }

  function setupRefresh() {
    var seconds = parseInt(document.body.getAttribute("data-refresh"), 10);
    if (!(seconds > 0) || !window.fetch || !window.DOMParser) { return; }
    var failing = false;
    var inFlight = false;
    function refresh() {
      if (inFlight || busy()) { return; }
      inFlight = true;
      fetch(window.location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin", cache: "no-store" })
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
            toast("Refresh failed: " + (doc.getElementById("api-banner") ? "the api is unavailable" : "the server answered " + result.response.status) + ". Showing the last figures.", true);
            return;
          }
          if (page && fresh) { swap(page, fresh); }
          if (doc.title) { document.title = doc.title; }
          if (failing) { failing = false; toast("Refresh works again; figures are current.", false); }
        })
        .catch(function () {
          failing = true;
          toast("Refresh failed: the dashboard cannot be reached. Showing the last figures.", true);
        })
        .then(function () { inFlight = false; });
    }
    setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupTheme();
    setupRefresh();
  });
})();
