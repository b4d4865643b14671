"""Open a page in headless Chromium (Debian's `chromium`) and read back what its script
measured: the page is copied with a script that, once loaded, writes the measurements and
every console error into the DOM, which `--dump-dom` prints."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--virtual-time-budget=15000"]

# Installed before the page's own scripts, so it sees their errors too.
CATCH = """<script>
window.__errors = [];
window.addEventListener('error', function(e){ window.__errors.push(String(e.message)); });
(function(){ var orig = console.error; console.error = function(){
  window.__errors.push(Array.from(arguments).map(String).join(' ')); orig.apply(console, arguments);
}; })();
</script>"""

MEASURE = """<script>
function box4(el){ var r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }
window.addEventListener('load', function(){ setTimeout(function(){
  var charts = Array.from(document.querySelectorAll('.plotly-graph-div')).map(function(div){
    var svg = div.querySelector('.main-svg'), box = div.parentElement.getBoundingClientRect();
    var title = div.querySelector('.gtitle'), bar = div.querySelector('.modebar');
    var t = title ? title.getBoundingClientRect() : null, s = svg ? svg.getBoundingClientRect() : null;
    return {container: box.width, chart: s ? s.width : 0, left: s ? s.left : 0,
            container_left: box.left,
            title: t ? [t.left, t.top, t.right, t.bottom] : null,
            svg: s ? [s.left, s.top, s.right, s.bottom] : null,
            modebar: bar && bar.getBoundingClientRect().width > 0 ? box4(bar) : null};
  });
  var out = document.createElement('pre'); out.id = 'measured';
  out.textContent = 'MEASURED' + JSON.stringify({viewport: window.innerWidth,
    scroll_width: document.documentElement.scrollWidth, charts: charts,
    errors: window.__errors}) + 'END';
  document.body.appendChild(out);
}, 500); });
</script>"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def measure(page: Path, width: int, workdir: Path, height: int = 1000) -> dict:
    """Open ``page`` at ``width`` px and return what the measuring script found."""
    html = page.read_text(encoding="utf-8")
    html = html.replace("<head>", "<head>" + CATCH, 1).replace("</body>", MEASURE + "</body>", 1)
    copy = workdir / f"measured-{width}.html"
    copy.write_text(html, encoding="utf-8")
    profile = workdir / f"profile-{width}"
    profile.mkdir(exist_ok=True)
    done = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}",
                           f"--window-size={width},{height}", "--dump-dom", copy.as_uri()],
                          capture_output=True, text=True, timeout=180)
    found = re.search(r"id=\"measured\">MEASURED(.*?)END</pre>", done.stdout, re.S)
    if found is None:
        raise AssertionError(f"chromium gave no measurement (exit {done.returncode}): "
                             f"{done.stderr[-2000:]}")
    return json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<")
                      .replace("&gt;", ">").replace("&quot;", '"'))


def screenshot(page: Path, width: int, out: Path, workdir: Path, height: int = 2400) -> Path:
    profile = workdir / f"shot-{width}"
    profile.mkdir(exist_ok=True)
    subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}",
                    f"--window-size={width},{height}", f"--screenshot={out}", page.as_uri()],
                   capture_output=True, timeout=180, check=True)
    return out
