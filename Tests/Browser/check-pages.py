#!/usr/bin/env python3
"""Opens report pages in headless Chromium and checks what a reader would see.

    Tests/Browser/check-pages.py PAGE.html...

For each page: it loads without a script error or a failed resource; every chart (each <svg>
inside a <figure>) is laid out with a non-zero width and height; a screenshot is not blank
(at least 1% of its pixels are not the background); it prints to a PDF with at least one page.
One line per problem on standard error, exit status 1 if any; a line per page on standard
output otherwise. Chromium is found as $CASCADE_CHROMIUM, chromium, chromium-browser or
google-chrome on the PATH (Debian: apt-get install chromium; `make test-deps` installs it).
Standard library only.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

# Injected into a copy of the page (the page itself has no scripts): records errors, then
# after layout writes the charts' sizes into a <pre id="cascade-check"> that --dump-dom prints.
PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  window.__errors.push(e.message || ('failed to load ' + ((e.target && (e.target.src || e.target.href)) || 'a resource')));
}, true);
window.addEventListener('load', function () {
  var figures = Array.prototype.slice.call(document.querySelectorAll('figure svg'));
  var sizes = figures.map(function (svg) { var r = svg.getBoundingClientRect(); return [r.width, r.height]; });
  var pre = document.createElement('pre');
  pre.id = 'cascade-check';
  pre.textContent = JSON.stringify({errors: window.__errors, charts: sizes, tables: document.querySelectorAll('table').length});
  document.body.appendChild(pre);
});
</script>
"""


def chromium():
    for name in [os.environ.get("CASCADE_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"]:
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def run(browser, args, timeout=120):
    base = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--disable-dev-shm-usage", "--user-data-dir=" + tempfile.mkdtemp(prefix="cascade-chromium-")]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=timeout)


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG, by the standard library."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                raise ValueError("PNG colour type %d depth %d not read here" % (colour, depth))
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1: line[x] = (line[x] + a) & 255
            elif kind == 2: line[x] = (line[x] + b) & 255
            elif kind == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def check(browser, page, work):
    problems = []
    text = open(page, encoding="utf-8").read()
    probe_page = os.path.join(work, "probe.html")
    with open(probe_page, "w", encoding="utf-8") as f:
        f.write(text.replace("<head>", "<head>\n" + PROBE, 1))
    result = run(browser, ["--virtual-time-budget=5000", "--dump-dom", "file://" + probe_page])
    match = re.search(r'<pre id="cascade-check">(.*?)</pre>', result.stdout, re.S)
    if not match:
        return ["%s: did not load in Chromium (exit %d): %s" % (page, result.returncode, result.stderr.strip()[-300:])]
    state = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
    for error in state["errors"]:
        problems.append("%s: error while loading: %s" % (page, error))
    if not state["charts"]:
        problems.append("%s: has no chart (no <svg> in a <figure>)" % page)
    for k, (w, h) in enumerate(state["charts"]):
        if not (w > 0 and h > 0):
            problems.append("%s: chart %d is laid out %gx%g; expected a non-zero size" % (page, k + 1, w, h))

    shot = os.path.join(work, "shot.png")
    result = run(browser, ["--window-size=1000,1400", "--screenshot=" + shot, "file://" + os.path.abspath(page)])
    if not os.path.exists(shot):
        problems.append("%s: no screenshot (exit %d): %s" % (page, result.returncode, result.stderr.strip()[-300:]))
    else:
        width, height, channels, rows = png_pixels(shot)
        background = bytes(rows[0][:channels])
        inked = sum(1 for row in rows[::4] for x in range(0, width * channels, 4 * channels)
                    if bytes(row[x:x + channels]) != background)
        total = len(rows[::4]) * len(range(0, width * channels, 4 * channels))
        if inked < 0.01 * total:
            problems.append("%s: the screenshot is blank (%d of %d sampled pixels differ from the background)" % (page, inked, total))

    pdf = os.path.join(work, "page.pdf")
    result = run(browser, ["--no-pdf-header-footer", "--print-to-pdf=" + pdf, "file://" + os.path.abspath(page)])
    if not os.path.exists(pdf):
        problems.append("%s: did not print to PDF (exit %d): %s" % (page, result.returncode, result.stderr.strip()[-300:]))
    else:
        data = open(pdf, "rb").read()
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        if not data.startswith(b"%PDF") or pages < 1:
            problems.append("%s: the PDF is not a PDF with pages (%d bytes, %d pages)" % (page, len(data), pages))
    if not problems:
        print("%s: loads without errors, %d charts laid out, %d tables, screenshot %d%% inked, PDF of %d pages"
              % (page, len(state["charts"]), state["tables"], round(100 * inked / total), pages))
    return problems


def main():
    pages = sys.argv[1:]
    if not pages:
        print("usage: check-pages.py PAGE.html...", file=sys.stderr)
        return 2
    browser = chromium()
    if not browser:
        print("check-pages.py: Chromium not found (set CASCADE_CHROMIUM or install Debian's chromium; make test-deps installs it)",
              file=sys.stderr)
        return 1
    problems = []
    for page in pages:
        with tempfile.TemporaryDirectory(prefix="cascade-page-") as work:
            problems += check(browser, page, work)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
