"""The tracker snippet a site puts on every page: a small inline loader for ``tracker.js``.

Why a loader and not ``<script src=".../tracker.js" defer>``: in Chromium any deferred
script tag, even a cached empty one, adds about 6 ms to a page's load, and the tracker's
first ``sessionStorage`` read (the only way to know that a study is running in this tab)
another 2 to 3 ms (bench/RESULTS.md, "tracker snippet cost"). The loader does neither
before the ``load`` event:

- on a page opened from a study (``#uxlab=`` in the fragment: a task's first page) it adds
  ``tracker.js`` at once, as the tag did;
- on any other page it waits until after ``load`` (a timer, so not even the load
  listener counts in ``loadEventEnd``), then reads ``sessionStorage`` and adds
  ``tracker.js`` only when a study is in progress in this tab;
- until then it keeps the clicks it sees (``window.uxlab_q``: ``[target, timeStamp]``
  pairs, handler in ``uxlab_q.f``); ``tracker.js`` takes them over with their own times.
  A click before that check makes the check (and the tracker) start at once, so a link
  followed right after load is still recorded when the cached tracker runs before the
  next page replaces this one. Normal visitors: the check finds nothing, the loader stops
  listening and keeps nothing.

The plain tag still works (sites whose Content-Security-Policy forbids inline scripts).
"""

from __future__ import annotations

import json

from markupsafe import Markup

# Plain ES5, written small: it is copied into every page of the site. Parameters:
# w window, d document, u tracker.js URL, s allowed servers (data-uxlab-server) or undefined.
LOADER = (
    "(function(w,d,u,s){var q=w.uxlab_q=[],n=0;"
    # add tracker.js once
    "function a(){if(n++)return;var t=d.createElement('script');t.src=u;t.async=true;"
    "if(s)t.setAttribute('data-uxlab-server',s);d.head.appendChild(t)}"
    # a study in progress in this tab? Otherwise stop listening (private mode may throw)
    "function c(){try{if(w.sessionStorage.getItem('uxlab'))return a()}catch(e){}"
    "d.removeEventListener('click',q.f,true);q.length=0;w.uxlab_q=null}"
    # keep the click; check after the click's own handlers, not before them
    "q.f=function(e){q.push([e.target,e.timeStamp]);setTimeout(c)};"
    "d.addEventListener('click',q.f,true);"
    # left before tracker.js took over: note the page view and click times in the study's
    # state (key m), for the tracker on the next page
    "w.addEventListener('pagehide',function(){if(q==w.uxlab_q)try{var S=w.sessionStorage,"
    "v=JSON.parse(S.getItem('uxlab'));if(v){(v.m=v.m||[]).push([location.href.split('#')[0],"
    "performance.timeOrigin,q.map(function(x){return x[1]})]);S.setItem('uxlab',JSON.stringify(v));"
    "q.length=0;q.g=1}}catch(e){}});"
    "if(/[#&]uxlab=/.test(location.hash))a();"
    "else if(d.readyState=='complete')setTimeout(c);"
    "else w.addEventListener('load',function(){setTimeout(c)})"
    "})(window,document,{args});"
)


def _js_string(value: str) -> str:
    """Return ``value`` as a JavaScript string literal that cannot end the <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


def render(tracker_url: str, servers: str | list[str] | tuple[str, ...] = ()) -> Markup:
    """Return the inline ``<script>`` that loads ``tracker_url`` (absolute, or a path on the site).

    ``servers``: the uxlab server origin(s) allowed in ``#uxlab=<token>@<origin>`` when
    ``tracker_url`` is not served by the uxlab server itself (copied to ``data-uxlab-server``).
    """
    names = servers.split() if isinstance(servers, str) else list(servers)
    args = [_js_string(tracker_url)] + ([_js_string(" ".join(names))] if names else [])
    return Markup("<script>" + LOADER.replace("{args}", ",".join(args)) + "</script>")
