"""The reload channel: what open pages long-poll for (the newest build's number, its
errors, and which files it changed), and the script the preview adds to each page."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from html import escape

#: Endpoints of the dev server live here, outside any site's paths.
ENDPOINT = "/__briefing__/"


#: How long a page's poll waits for a new build before asking again.
POLL_SECONDS = 20.0


#: Good builds whose changed files are remembered, for pages that missed a few.
HISTORY = 50


RELOAD_JS = """\
(function () {
  var me = document.currentScript;
  var endpoint = me.dataset.endpoint, build = Number(me.dataset.build);
  function show(errors) {
    var box = document.getElementById("briefing-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "briefing-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;top:0;max-height:70vh;overflow:auto;" +
        "z-index:2147483647;margin:0;padding:12px 16px;background:#fff1f0;color:#5c0011;" +
        "border-bottom:3px solid #cf1322;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;" +
        "white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "briefing: the last rebuild failed; this is the last good build.\\n\\n" +
      errors.join("\\n");
  }
  function poll() {
    var page = encodeURIComponent(location.pathname);
    fetch(endpoint + "wait?since=" + build + "&page=" + page, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (state.reload && !state.errors.length) { location.reload(); return; }
        build = state.build;
        show(state.errors);
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  var leftOut = me.dataset.leftOut;
  if (leftOut) {
    var note = document.createElement("div");
    note.id = "briefing-left-out";
    note.setAttribute("role", "status");
    note.style.cssText = "position:fixed;right:8px;bottom:8px;max-width:36em;z-index:2147483646;" +
      "padding:6px 10px;background:#fffbe6;color:#3d2f00;border:1px solid #d4b106;" +
      "border-radius:4px;font:13px/1.4 system-ui,sans-serif;cursor:pointer";
    note.title = "Click to hide";
    note.textContent = "briefing preview: " + leftOut;
    note.addEventListener("click", function () { note.remove(); });
    document.body.appendChild(note);
  }
  poll();
})();
"""


@dataclass
class BuildState:
    """What open pages need to know: the newest build number and its errors."""

    #: The base path the site is served under; follows ``url:`` in site.yaml.
    base: str = "/"
    #: Bumped after every build, good or failed.
    number: int = 0
    #: The number of the build whose files are being served (0: none yet).
    good: int = 0
    errors: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    #: The output files each recent good build changed (None: every file), newest last.
    history: list[tuple[int, frozenset[str] | None]] = field(default_factory=list)
    #: What the last good build left out (drafts, scheduled items), for a banner; "".
    left_out: str = ""
    #: Where the site will be published (site.yaml's url): an email's absolute links
    #: lead there, and the preview points them at itself.
    site_url: str = ""

    def publish(
        self,
        errors: list[str],
        base: str | None = None,
        files: frozenset[str] | None = None,
        left_out: str | None = None,
        site_url: str | None = None,
    ) -> None:
        """A build ended: with ``errors``, or good, having changed ``files`` (and left out
        what ``left_out`` says, if given)."""
        with self.changed:
            self.number += 1
            if left_out is not None:
                self.left_out = left_out
            if site_url is not None:
                self.site_url = site_url
            if not errors:
                self.good = self.number
                if base is not None and base != self.base:
                    self.base, files = base, None  # every page moved
                self.history = [*self.history[-(HISTORY - 1) :], (self.number, files)]
            self.errors = errors
            self.changed.notify_all()

    def wait(self, since: int, timeout: float) -> tuple[int, list[str]]:
        with self.changed:
            self.changed.wait_for(lambda: self.number != since, timeout=timeout)
            return self.number, list(self.errors)

    def changed_since(self, since: int, file: str | None) -> bool:
        """Whether a page showing ``file`` as of build ``since`` is out of date."""
        with self.changed:
            if since >= self.good:
                return False
            if not self.history or self.history[0][0] > since + 1:
                return True  # older than the history kept: reload to be sure
            return any(
                files is None or file is None or file in files
                for number, files in self.history
                if number > since
            )


def inject_reload(html: bytes, state: BuildState) -> bytes:
    """Add the reload script before </body>; the built site itself never contains it."""
    tag = (
        f'<script src="{ENDPOINT}reload.js" data-endpoint="{ENDPOINT}" '
        f'data-build="{state.good}" data-left-out="{escape(state.left_out)}"></script>'
    ).encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag
