"""``lmt-scan report``: one self-contained HTML page, checked as text and in a real browser
(headless Chromium from the system packages, installed by .ci/run): the page renders, every
image loads, and it asks the network for nothing."""
import base64
import re
import shutil
import socket
import subprocess
import threading

import numpy as np
import pytest

from lmt_scan import output
from lmt_scan.cli import main

from conftest import run_cli, small_card
from test_analysis import _synthetic_run

BROWSER_TIMEOUT_S = 90
# Chromium's own service traffic (network time, component updater, account check) that
# --disable-background-networking does not stop; a request of the page goes anywhere else
BROWSER_SERVICE_HOSTS = ("google.com", "googleapis.com", "gvt1.com")
# a script appended to a *copy* of the page (the report itself has none): after the load
# event it writes how many images there are and how many failed to decode
PROBE = ("<script>window.addEventListener('load',function(){var im=document.images,bad=0;"
         "for(var i=0;i<im.length;i++){if(!(im[i].complete&&im[i].naturalWidth>0))bad++;}"
         "var d=document.createElement('pre');d.id='probe';"
         "d.textContent='IMAGES='+im.length+' BROKEN='+bad;document.body.appendChild(d);});"
         "</script>")


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "headless Chromium is needed (apt-get install chromium; .ci/run does it)"
    return path


class RequestRecorder:
    """A TCP listener used as the browser's proxy: every connection is a network request
    the page made (file:// pages need none)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.requests = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def port(self):
        return self.sock.getsockname()[1]

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1.0)
            try:
                line = conn.recv(4096).split(b"\r\n")[0].decode(errors="replace")
            except OSError:
                line = "(connection without request line)"
            conn.close()                     # refuse to serve anything
            host = re.sub(r"^\w+ (https?://)?([^/:\s]+).*", r"\2", line)
            if not any(host == h or host.endswith("." + h) for h in BROWSER_SERVICE_HOSTS):
                self.requests.append(line)

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


def browse(page, tmp_path, *extra):
    """Run headless Chromium on ``page`` through the recording proxy; returns (stdout, requests)."""
    recorder = RequestRecorder()
    try:
        result = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--no-first-run",
             f"--user-data-dir={tmp_path / 'chromium-profile'}",
             f"--proxy-server=http://127.0.0.1:{recorder.port}", "--proxy-bypass-list=<-loopback>",
             "--virtual-time-budget=5000", *extra, page.as_uri()],
            capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S)
    finally:
        recorder.close()
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, recorder.requests


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The report of a real short dynesty run (rejections included) and of two runs."""
    tmp = tmp_path_factory.mktemp("report")
    card = small_card(tmp, name="rep")
    assert run_cli("run", card, "--quiet").returncode == 0
    run = tmp / "out_rep"
    synthetic = _synthetic_run(tmp / "syn")
    result = run_cli("report", run)
    assert result.returncode == 0, result.stderr
    both = tmp / "both.html"
    assert main(["report", str(run), str(synthetic), "--out", str(both)]) == 0
    return run, run / "report.html", both


def _probe_copy(page, tmp_path, extra=""):
    copy = tmp_path / f"probe_{page.stem}.html"
    copy.write_text(page.read_text().replace("</body>", extra + PROBE + "</body>"))
    return copy


def test_report_holds_the_summary_tables_card_and_embedded_figures(report):
    run, page, _ = report
    text = page.read_text()
    summary = output.read_json(run / output.SUMMARY)
    assert "ln Z = " in text and f"{summary['logz']:.3f}" in text
    med = summary["parameters"]["g_p"]["median"]
    assert f"{med:.4g}" in text                                   # the parameter table
    for reason, count in summary["rejections"].items():          # the rejection table
        assert reason in text and f"<td>{count}</td>" in text
    assert "paper2018_a" in text and "arXiv:1706.09436" in text  # data set and its citation
    assert "nlive: 60" in text and "seed" in text                # run card, seed
    assert "dynesty" in text and "numpy" in text                 # sampler and versions
    images = re.findall(r'<img [^>]*src="([^"]+)"', text)
    assert len(images) == len(summary["plots"]) == 4
    for src in images:                                          # every image is inline PNG
        head, data = src.split(",", 1)
        assert head == "data:image/png;base64"
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
    # nothing that a browser would fetch from elsewhere
    assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/|<script|<link|<iframe|url\(",
                         text.replace("arXiv:", ""))


def _parameter_table(page_text, run_name):
    """{parameter: [median, 68 %, 95 %, best fit]} cells of one run's parameter table."""
    import html
    section = page_text.split(f"<h2>{run_name} ", 1)[1]
    part = section.split("<h3>Parameters</h3>", 1)[1].split("</table>", 1)[0]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", part)[1:]:
        cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", tr)]
        rows[cells[0].split(" [")[0]] = cells[1:]
    return rows


def test_report_numbers_are_summary_json_numbers(report):
    # every cell of each run's parameter table is summary.json's value (4 significant
    # digits), for every free parameter, in the one-run page and in the two-run page
    run, page, both = report
    summary = output.read_json(run / output.SUMMARY)
    synthetic = output.read_json(run.parent / "syn" / output.SUMMARY)

    def g(x):
        return f"{x:.4g}"
    for text, s in ((page.read_text(), summary), (both.read_text(), summary),
                    (both.read_text(), synthetic)):
        table = _parameter_table(text, s["name"])
        assert sorted(table) == sorted(s["free_parameters"])
        for p, cells in table.items():
            st = s["parameters"][p]
            assert cells == [g(st["median"]),
                             f"{g(st['interval68'][0])} – {g(st['interval68'][1])}",
                             f"{g(st['interval95'][0])} – {g(st['interval95'][1])}",
                             g(st["best_fit"])]
        assert not re.search(r"\bnan\b", text, re.I)


def test_report_of_several_runs_has_the_comparison(report):
    _, _, both = report
    text = both.read_text()
    assert "<h2>Comparison</h2>" in text and "ln B vs first" in text
    assert text.count("<section>") == 3       # comparison + one per run
    assert len(re.findall(r"<img ", text)) == 1 + 4 + 4


def test_report_renders_in_chromium_every_image_loads_no_network(report, tmp_path):
    _, page, both = report
    for html in (page, both):
        dom, requests = browse(_probe_copy(html, tmp_path), tmp_path, "--dump-dom")
        n_img = len(re.findall(r"<img ", html.read_text()))
        assert f"IMAGES={n_img} BROKEN=0" in dom, dom[-500:]
        assert "ln Z = " in dom and "Rejected points" in dom and "Run card" in dom
        assert requests == []
    shot = tmp_path / "report.png"
    _, requests = browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,2400",
                         "--hide-scrollbars")
    assert requests == []
    from PIL import Image
    pixels = np.asarray(Image.open(shot).convert("L"), float)
    assert pixels.shape == (2400, 1200)
    assert pixels.std() > 20.0                # text and figures drawn, not a blank page
    assert (pixels < 100).mean() > 0.01       # dark ink: text, axes, contours


def test_browser_check_can_fail(report, tmp_path):
    """Control: an image from the network is seen as a request and as a broken image."""
    _, page, _ = report
    bad = _probe_copy(page, tmp_path, extra='<img src="http://example.org/remote.png">')
    dom, requests = browse(bad, tmp_path, "--dump-dom")
    assert "BROKEN=1" in dom
    assert requests and "example.org" in requests[0]


def test_report_bad_input_is_one_line(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not an lmt-scan run directory" in capsys.readouterr().err
