/* uxlab tracker: README "Tracker snippet" */
(function () {
  "use strict";
  var W = window, D = document, P = performance, KEY = "uxlab", me = D.currentScript;
  var early = W.uxlab_q || [];
  if (early.f) D.removeEventListener("click", early.f, true);
  W.uxlab_q = null;
  if (W.uxlab_on) return;
  W.uxlab_on = 1;
  var store, st, info, host, root, unpad, end, sending = 0, held = 0, wait = 1000, size = 50, started = 0, ended = 0;
  try { store = W.sessionStorage; } catch (e) { return; }
  var servers = (me && (me.getAttribute("data-uxlab-server") || me.src && new URL(me.src, location.href).origin) || "").split(/\s+/);
  var m = /^#(?:.*&)?uxlab=([\w-]+)@(https?:\/\/[^&#\/]+)/.exec(location.hash);
  st = read();
  if (m) {
    if (servers.indexOf(m[2]) < 0) return;
    if (!st || st.token != m[1]) st = { token: m[1], server: m[2], q: [] };
    var rest = location.hash.slice(1).split("&").filter(function (p) { return p.indexOf("uxlab=") != 0; }).join("&");
    history.replaceState(history.state, "", location.pathname + location.search + (rest ? "#" + rest : ""));
    save();
  }
  if (idle()) return;
  D.addEventListener("click", onClick, true);
  ["mousedown", "contextmenu", "keydown"].forEach(function (t) { D.addEventListener(t, carry, true); });
  W.addEventListener("pagehide", function () {
    if (!ended && st.q.length && navigator.sendBeacon) navigator.sendBeacon(api("events"), body(st.q.slice(0, size)));
  });
  W.addEventListener("online", function () { wait = 1000; flush(); });
  W.addEventListener("pageshow", function (e) { // back/forward cache: now another task may run, or none
    if (e.persisted) { drop(); st = read(); started = sending = end = 0; early = []; early.g = 1; if (!idle(1)) go(); }
  });
  setInterval(tick, 1000);

  function idle(back) {
    if (st && st.next) { // ended, but a navigation under way beat the one to next: go on (not after Back, nor from a later page)
      store.removeItem(KEY);
      if (!back && P.timeOrigin < st.at + 2e3 && (P.getEntriesByType("navigation")[0] || {}).type != "back_forward") location.replace(st.next);
    }
    return (ended = !st || !st.token);
  }

  function clock() { return P.timeOrigin + P.now(); }
  function read() { try { return JSON.parse(store.getItem(KEY)); } catch (e) { return null; } }
  function save(v) { try { if (v || !ended) store.setItem(KEY, JSON.stringify(v || st)); } catch (e) {} }
  function api(path) { return st.server + "/api/v1/" + path; }
  function uid() {
    return crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }
  function $(id) { return root.querySelector("#uxlab-" + id); }
  function say(text) { if (root) $("status").textContent = text; }
  function retryLater(fn) { setTimeout(fn, wait); wait = Math.min(wait * 2, 30000); }

  function push(type, extra, at) {
    if (ended) return;
    var e = { id: uid(), type: type, url: location.href.split("#")[0], t: Math.max(0, Math.round((at || clock()) - st.t0)) };
    for (var k in extra) e[k] = extra[k];
    st.q.push(e);
    save();
    flush();
  }

  function flush() {
    if (sending || ended || !st.q.length) return;
    sending = 1;
    var batch = st.q.slice(0, size), was = st;
    fetch(api("events"), {
      method: "POST", body: body(batch),
      headers: { "Content-Type": "text/plain" }, keepalive: true, credentials: "omit"
    }).then(function (r) {
      return r.json().then(function (j) { return [r.status, j]; });
    }).then(function (res) {
      if (was != st) return;
      var status = res[0], ack = res[1].accepted || [];
      sending = 0;
      if (status == 200) {
        wait = 1000;
        st.q = st.q.filter(function (e) { return ack.indexOf(e.id) < 0; });
        save();
        return res[1].ended ? finish(res[1].next) : flush();
      }
      if (status == 410) return refresh();
      if (status == 403 || status == 404) return stop();
      if (status == 400 || (status == 413 && size == 1)) st.q = st.q.slice(batch.length);
      else if (status == 413) size = Math.max(1, size >> 1);
      else return retryLater(flush);
      save();
      flush();
    }, function () { sending = 0; if (started) say(held ? info.labels.offline : info.labels.retry); retryLater(flush); });
  }

  function body(batch) { return JSON.stringify({ token: st.token, sent: Math.max(0, Math.round(clock() - st.t0)), events: batch }); }

  function refresh() {
    if (ended) return;
    var sent = P.now(), was = st;
    fetch(api("attempts/" + encodeURIComponent(st.token)), { credentials: "omit" }).then(function (r) {
      return r.ok ? r.json() : Promise.reject(r.status);
    }).then(function (j) {
      if (was != st) return; // from before the back/forward cache
      if (j.ended) return finish(j.next);
      sent = (sent + P.now()) / 2;
      if (!st.t0) st.t0 = P.timeOrigin + sent - j.elapsed_ms;
      end = sent + j.remaining_ms; // on this page's clock: the next page's timeOrigin follows the wall clock
      st.info = { prompt: j.prompt, kind: j.criterion, question: j.question, watch: j.watch, limit: j.time_limit_s * 1000, labels: j.labels, lang: j.language, textLang: j.text_language };
      save();
      start();
      tick();
    }, function (status) { if (was == st) status == 403 || status == 404 || status == 410 ? stop() : retryLater(refresh); });
  }

  function finish(next) {
    ended = 1;
    next = new URL(next || "/", st.server).href;
    save({ next: next, at: Date.now() }); // for a page that opens instead
    say(info ? info.labels.ended : "");
    location.href = next;
  }

  function stop() { ended = 1; store.removeItem(KEY); drop(); }

  function drop() { if (host) { host.remove(); unpad(); host = 0; } }

  function start() {
    if (started) return;
    started = 1;
    info = st.info;
    render();
    var missed = st.m || [];
    delete st.m;
    missed.forEach(function (m) {
      push("pageview", { url: m[0] }, m[1]);
      m[2].forEach(function (at) { push("click", { url: m[0] }, m[1] + at); });
    });
    push("pageview", {}, early.g ? clock() : P.timeOrigin);
    early.forEach(function (c) { clicked(c[0], c[1]); });
    early = [];
    setTimeout(refresh, 2000); // the last page may end it late
  }

  // quiet: read out at one minute and at the end only
  function tick() {
    if (!end) return;
    var s = Math.ceil(Math.max(0, end - P.now()) / 1e3);
    $("time").textContent = (s / 60 | 0) + ":" + (s % 60 + 100 + "").slice(1);
    if (s <= 60 && !st.warned && info.limit > 6e4) { st.warned = 1; save(); if (s) say(info.labels.minute); }
    if (!s && !st.timedOut) { st.timedOut = 1; say(info.labels.time_up); push("timeout"); }
  }

  function link(e) {
    var a = e.target.closest && e.target.closest("a[href]");
    return a && a.origin == location.origin && a.pathname + a.search != location.pathname + location.search && a;
  }

  // new tabs get no sessionStorage: the link carries the task
  function carry(e) {
    var a = link(e);
    if (a && !ended && !/uxlab=/.test(a.hash) && (e.type[0] == "c" || e.button || a.target || e.ctrlKey || e.metaKey || e.shiftKey) && (e.key || "Enter") == "Enter")
      a.hash = a.hash.slice(1) + "&uxlab=" + st.token + "@" + st.server;
  }

  function onClick(e) {
    var a = link(e);
    if (started && a && !navigator.onLine && !a.target && !e.ctrlKey) { // no error page
      e.preventDefault();
      say(info.labels.offline);
      W.addEventListener("online", function () { location.href = held = a.href; }, { once: true });
      held = 1;
    }
    if (started) clicked(e.target, e.timeStamp);
    else if (!ended) early.push([e.target, e.timeStamp]);
  }

  function clicked(t, at) {
    if (!t || !t.closest || t == host) return;
    var el = t.closest("a,button,input,select,textarea,summary,label,[role=button],[role=link]") || t;
    var field = /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);
    push("click", {
      tag: el.tagName,
      text: field ? "" : (el.getAttribute("aria-label") || el.innerText || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 80),
      selectors: (info.watch || []).filter(function (s) { try { return !!t.closest(s); } catch (x) { return false; } })
    }, P.timeOrigin + at);
  }

  var CSS = ":host{all:initial}section{position:fixed;inset:auto 0 0;z-index:2147483647;box-sizing:border-box;" +
    "display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:center;padding:.6rem .8rem;background:#1d2733;color:#fff;" +
    "font:16px/1.4 system-ui,sans-serif;box-shadow:0 -2px 8px #0000005a;" +
    "max-height:60vh;overflow:auto}p{margin:0;flex:1 1 16rem}form,div{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}" +
    "[hidden]{display:none}button,input{font:inherit;min-height:44px;border-radius:6px;border:2px solid #fff}" +
    "button{padding:.4rem .9rem;background:#fff;color:#1d2733;cursor:pointer}.alt{background:0 0;color:#fff}" +
    "input{padding:.3rem .5rem;flex:1 1 10rem;min-width:0}:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
    "#uxlab-time{font-variant-numeric:tabular-nums}label,#uxlab-status{flex-basis:100%}p:empty{display:none}" +
    ".min #uxlab-prompt,.min div,.min form{display:none}.min p{flex:1}";

  function render() {
    var L = info.labels;
    host = D.createElement("div");
    host.id = "uxlab-taskbar";
    root = host.attachShadow({ mode: "open" });
    root.innerHTML = "<style>" + CSS + "</style><section id=uxlab-bar role=region><p><strong id=uxlab-task></strong> " +
      "<span id=uxlab-prompt></span></p><div id=uxlab-actions><button id=uxlab-done></button>" +
      "<button class=alt id=uxlab-give-up></button></div><span id=uxlab-time aria-hidden=true></span><span id=uxlab-left hidden></span>" +
      "<button class=alt id=uxlab-fold aria-describedby='uxlab-left uxlab-time'></button><form id=uxlab-form hidden><label for=uxlab-answer " +
      "id=uxlab-question></label><input id=uxlab-answer autocomplete=off required><button id=uxlab-submit>" +
      "</button><button type=button class=alt id=uxlab-cancel></button></form><p id=uxlab-status role=status></p></section>";
    var bar = $("bar"), form = $("form"), answer = $("answer");
    bar.setAttribute("aria-label", L.region);
    bar.lang = info.lang;
    var fold = $("fold");
    function show(min) { // collapsed to one line; kept per attempt
      bar.className = min ? "min" : "";
      fold.setAttribute("aria-expanded", !min);
      fold.textContent = min ? L.show : L.hide;
    }
    fold.onclick = function () { show(st.min = !st.min); save(); };
    show(st.min);
    ["task", "left", "done", "give-up", "submit", "cancel"].forEach(function (k) { $(k).textContent = L[k.replace("-", "_")]; });
    $("prompt").textContent = info.prompt;
    $("question").textContent = info.question || L.answer;
    if (info.textLang != info.lang) { $("prompt").lang = info.textLang; if (info.question) $("question").lang = info.textLang; }
    $("done").onclick = function () {
      if (info.kind != "answer") return send("done");
      $("actions").hidden = true;
      form.hidden = false;
      answer.focus();
    };
    $("give-up").onclick = function () { send("give_up"); };
    $("cancel").onclick = function () { form.hidden = true; $("actions").hidden = false; $("done").focus(); };
    form.onsubmit = function (e) {
      e.preventDefault();
      if (answer.value.trim()) send("answer", { answer: answer.value.trim().slice(0, 500) });
    };
    D.body.appendChild(host);
    // the page's foot and focus stay above the bar (WCAG 2.4.11) at any bar height
    var E = D.documentElement.style, was = [E.paddingBottom, E.scrollPaddingBottom];
    var ro = new ResizeObserver(function () { E.paddingBottom = E.scrollPaddingBottom = bar.offsetHeight + "px"; });
    ro.observe(bar);
    unpad = function () {
      ro.disconnect();
      E.paddingBottom = was[0];
      E.scrollPaddingBottom = was[1];
    };
  }

  function send(type, extra) {
    root.querySelectorAll("button,input").forEach(function (b) { b.disabled = true; });
    say(info.labels.saving);
    push(type, extra);
  }

  function go() { if (st.info) start(); refresh(); }
  if (D.body) go(); else D.addEventListener("DOMContentLoaded", go);
})();
