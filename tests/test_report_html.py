#!/usr/bin/env python3
"""mopsdump --validate --html and --junit, checked in a real browser and by
the JUnit readers CI systems use (issue 19, docs/validator-report.md).

Headless Chromium (Debian's chromium) loads the page of appendix-b,
bad-accept-wrong-seq and the benchmark's million-frame capture: no console
message at all (a script error, a refused resource), and the DOM it built
holds the expected lifelines, arrows, faulty arrow, notes and findings;
the page's own script ran (the filter's count). The page names nothing
outside itself. The JUnit files validate against tests/report/junit.xsd
(xmllint) and read with junitparser (python3-junitparser) as the counts
say. The million-frame page's load time in Chromium is printed, not
judged. With --screenshots DIR it writes the PNGs docs/validator-report.md
shows instead.

mops-report html and junit draw a merged report of the two captures alike.

    test_report_html.py MOPSDUMP CAPTURES BENCHGEN XSD MOPS_REPORT [--screenshots DIR]"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from pycheck import check, report

MOPSDUMP, CAPTURES, BENCHGEN, XSD, MOPS_REPORT = sys.argv[1:6]
SHOTS = sys.argv[7] if len(sys.argv) > 7 and sys.argv[6] == "--screenshots" else None
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Dom(html.parser.HTMLParser):
    """The elements Chromium's --dump-dom wrote: (tag, attributes) in order,
    and the text of elements with an id."""

    def __init__(self):
        super().__init__()
        self.elems, self.text, self._open = [], {}, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elems.append((tag, a))
        self._open.append(a.get("id"))

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for i in self._open:
            if i:
                self.text[i] = self.text.get(i, "") + data

    def all(self, tag=None, cls=None, **attrs):
        out = []
        for t, a in self.elems:
            if tag and t != tag:
                continue
            if cls and cls not in a.get("class", "").split():
                continue
            if all(a.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                out.append(a)
        return out


def chromium(args, timeout=180):
    home = tempfile.mkdtemp()
    try:
        p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            "--user-data-dir=" + home, "--enable-logging=stderr", "--v=0", *args],
                           capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return p


def load(page):
    """The DOM after load, and the console's messages."""
    t0 = time.monotonic()
    p = chromium(["--virtual-time-budget=30000", "--dump-dom", "file://" + page])
    took = time.monotonic() - t0
    console = [l for l in p.stderr.splitlines() if ":CONSOLE" in l or "Refused to" in l]
    d = Dom()
    d.feed(p.stdout)
    return d, console, took


def validate(capture, tmp, name):
    h, j = os.path.join(tmp, name + ".html"), os.path.join(tmp, name + ".xml")
    # A reference capture by its name in the tree, as a user runs it there.
    top = os.path.dirname(os.path.abspath(CAPTURES))
    if os.path.abspath(capture).startswith(top + os.sep):
        capture = os.path.relpath(os.path.abspath(capture), top)
    p = subprocess.run([os.path.abspath(MOPSDUMP), "--validate", "--html", h, "--junit", j, "-r", capture],
                       capture_output=True, text=True, cwd=top)
    return p.returncode, h, j, p.stderr


def junit(path):
    """The JUnit file as junitparser reads it: [(classname, name, [result kinds])], totals."""
    code = r"""
import sys
from junitparser import JUnitXml, TestSuite
x = JUnitXml.fromfile(sys.argv[1])
suites = [x] if isinstance(x, TestSuite) else list(x)
for s in suites:
    print("suite", s.name, s.tests, s.failures, s.skipped)
    for c in s:
        print("case", c.classname, "|", c.name, "|", ",".join(type(r).__name__ for r in c.result))
"""
    # Debian's python3-junitparser is for Debian's python3 (this one may be another).
    for py in (sys.executable, "/usr/bin/python3"):
        p = subprocess.run([py, "-c", code, path], capture_output=True, text=True)
        if p.returncode == 0:
            return p.stdout.splitlines()
    return ["error " + p.stderr[-300:]]


def xsd_ok(path):
    p = subprocess.run(["xmllint", "--noout", "--schema", XSD, path], capture_output=True, text=True)
    return p.returncode == 0, p.stderr[-300:]


if not CHROMIUM:
    check(False, "chromium is installed (.ci/install-deps)")
    sys.exit(report("test_report_html"))

tmp = tempfile.mkdtemp()
try:
    # Appendix B: the mobile node behind two NATs moves behind two others.
    rc, page, xml, err = validate(os.path.join(CAPTURES, "appendix-b.pcapng"), tmp, "appendix-b")
    check(rc == 0, "appendix-b validates clean", err[-300:])
    text = open(page, encoding="utf-8").read()
    check(not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text) and "@import" not in text
          and "url(http" not in text, "appendix-b: the page names nothing outside itself")
    d, console, _ = load(page)
    check(console == [], "appendix-b: no console message in Chromium", "\n".join(console[:5]))
    lanes = [a["data-node"] for a in d.all("g", "lifeline")]
    check(lanes == ["192.168.1.1.1", "172.16.0.0.1", "775.2.23.5.5", "8.8.8.8.8"],
          "appendix-b: lifelines mobile node, two NATs, server", str(lanes))
    roles = [a["data-role"] for a in d.all("g", "lifeline")]
    check(roles == ["mobile node", "NAT", "NAT", "server"], "appendix-b: their roles", str(roles))
    arrows = [(int(a["data-frame"]), a["data-kind"]) for a in d.all("g", "arrow")]
    check(arrows == [(24, "migrate"), (25, "nat_ack"), (26, "migrate"), (27, "nat_ack"), (28, "migrate"),
                     (29, "nat_ack"), (30, "migrate"), (31, "reply"), (32, "reply"), (33, "reply"), (34, "reply")],
          "appendix-b: an arrow per step, frame numbers on each", str(arrows))
    check(d.all("g", "fault") == [] and d.all("g", "note") == [], "appendix-b: no arrow marked")
    chains = [a["data-mobile"] for a in d.all("figure", "chain")]
    check(chains[:2] == ["10.2.0.0.1:1027", "192.168.1.1.1:1027"], "appendix-b: NAT chains before and after",
          str(chains))
    check("10.0.0.0.1:5050" in text and "525.8.78.2.2:6050" in text and "775.2.23.5.5:4128" in text,
          "appendix-b: each level's translation drawn")
    check(len(d.all("article", "migration")) == 1 and "accepted" in d.text.get("m-1", ""),
          "appendix-b: the migration, in words", d.text.get("m-1", "")[:200])
    ok, e = xsd_ok(xml)
    check(ok, "appendix-b: JUnit valid against junit.xsd", e)
    lines = junit(xml)
    check(lines[0].split()[-3:] == ["10", "0", "2"] if lines else False,
          "appendix-b: junitparser reads 10 cases (server 3, NATs 4, mobile nodes 2, LARA 1), 0 failures, "
          "2 skipped", "\n".join(lines))
    check("case lara | every node LARA | Skipped" in lines, "appendix-b: LARA not judged, a skipped case",
          "\n".join(lines))
    check("case server | 8.8.8.8.8 MIG | " in lines and "case mobile | 10.2.0.0.1 MIG | Skipped" in lines,
          "appendix-b: the server's MIG case passes, the unmoved node's is skipped", "\n".join(lines))

    # bad-accept-wrong-seq: the server accepts a hijacker's Migrate.
    rc, page, xml, err = validate(os.path.join(CAPTURES, "bad-accept-wrong-seq.pcapng"), tmp, "hijack")
    check(rc == 1, "bad-accept-wrong-seq: exit 1", err[-300:])
    d, console, _ = load(page)
    check(console == [], "bad-accept-wrong-seq: no console message", "\n".join(console[:5]))
    faults = [(a["data-frame"], a["class"]) for a in d.all("g", "fault")]
    check(faults == [("18", "arrow reply fault sev-error")], "bad-accept-wrong-seq: the server's reply #18 marked",
          str(faults))
    notes = d.all("g", "note")
    check([(n["data-rule"], n["class"]) for n in notes] == [("MIG-SEQ-ACCEPTED", "note sev-error")],
          "bad-accept-wrong-seq: the note under it", str(notes))
    text = open(page, encoding="utf-8").read()
    check("\u2717 error MIG-SEQ-ACCEPTED at server 8.8.8.8.8: the server accepted a port whose sequence number"
          in text and "expected: migration failed for port 1027" in text
          and "actual: migration success, frame 18" in text, "bad-accept-wrong-seq: who, why, expected and actual")
    rows = d.all("tr", data_rule="MIG-SEQ-ACCEPTED", data_sev="error")
    check(len(rows) == 1 and d.text.get("f-shown", "").strip() == "1",
          "bad-accept-wrong-seq: the findings table, its script ran", str(rows) + d.text.get("f-shown", ""))
    check('href="#m-1"' in text and 'frame.number == 18' in text,
          "bad-accept-wrong-seq: the finding links its diagram and names its frame for Wireshark")
    ok, e = xsd_ok(xml)
    check(ok, "bad-accept-wrong-seq: JUnit valid", e)
    lines = junit(xml)
    check("case server | 8.8.8.8.8 MIG | Failure" in lines and lines[0].split()[-2] == "1",
          "bad-accept-wrong-seq: one failure, in the server's MIG case", "\n".join(lines))
    xs = open(xml).read()
    check('type="MIG-SEQ-ACCEPTED"' in xs and "expected: migration failed for port 1027" in xs
          and "actual: migration success, frame 18" in xs, "bad-accept-wrong-seq: the failure's text")
    # The schema is not a formality: a suite without its counts fails it.
    broken = os.path.join(tmp, "broken.xml")
    open(broken, "w").write(re.sub(r'<testsuite name="([^"]*)" tests="\d+"', r'<testsuite name="\1"', xs))
    check(not xsd_ok(broken)[0], "junit.xsd refuses a suite without its count")

    # Bad use: said, exit 2, nothing half written.
    ab = os.path.join(CAPTURES, "appendix-b.pcapng")
    for args, want in ((["--html", os.path.join(tmp, "x.html"), "-r", ab], "go with --validate"),
                       (["--validate", "--html", "-", "--junit", "-", "-r", ab], "would share standard output"),
                       (["--validate", "--html", os.path.join(tmp, "no", "x.html"), "-r", ab],
                        "x.html: No such file or directory")):
        p = subprocess.run([MOPSDUMP, *args], capture_output=True, text=True)
        check(p.returncode == 2 and want in p.stderr and not p.stdout, "mopsdump " + " ".join(args[:3]) + ": " + want,
              f"{p.returncode} {p.stderr[-200:]}")
    check(not os.path.exists(os.path.join(tmp, "x.html")), "no page without --validate")

    # A merged report (mops-report merge), drawn by mops-report.
    reps = []
    for name in ("appendix-b", "bad-accept-wrong-seq"):
        out = os.path.join(tmp, name + ".json")
        subprocess.run([MOPSDUMP, "--validate", "--report", out, "-r", os.path.join(CAPTURES, name + ".pcapng")],
                       capture_output=True)
        reps.append(out)
    merged = os.path.join(tmp, "merged.json")
    with open(merged, "w") as f:
        subprocess.run([MOPS_REPORT, "merge", *reps], stdout=f, check=True)
    mpage, mxml = os.path.join(tmp, "merged.html"), os.path.join(tmp, "merged.xml")
    with open(mpage, "w") as f:
        rc1 = subprocess.run([MOPS_REPORT, "html", merged], stdout=f).returncode
    with open(mxml, "w") as f:
        rc2 = subprocess.run([MOPS_REPORT, "junit", merged], stdout=f).returncode
    d, console, _ = load(mpage)
    check(rc1 == 0 and rc2 == 0 and console == [] and len(d.all("g", "arrow")) == 15
          and len(d.all("g", "fault")) == 1 and xsd_ok(mxml)[0],
          "mops-report html and junit: the merged report's two diagrams, its fault, valid JUnit",
          f"{rc1} {rc2} {console[:3]} {len(d.all('g', 'arrow'))}")

    # The benchmark's million frames: thousands of migrations, one page.
    cap = os.path.join(tmp, "bench.pcap")
    subprocess.run([BENCHGEN, "-n", "1000000", cap, "/dev/null"], check=True, capture_output=True)
    rc, page, xml, err = validate(cap, tmp, "bench")
    os.remove(cap)
    size = os.path.getsize(page)
    check(rc == 0 and size < 4 << 20, f"bench: the page of 1,000,000 frames is {size / 1e6:.1f} MB (< 4 MiB)",
          err[-300:])
    d, console, took = load(page)
    check(console == [], "bench: no console message", "\n".join(console[:5]))
    seq = d.all("svg", "seq")
    m = re.search(r"(\d+) of (\d+) migrations drawn", open(page).read())
    check(len(seq) == 300 and m and m.group(1) == "300", f"bench: 300 diagrams drawn of {m.group(2) if m else '?'}",
          str(len(seq)))
    print(f"bench: Chromium loaded the {size / 1e6:.1f} MB page and dumped its DOM in {took:.1f} s "
          f"({len(d.elems)} elements)")
    ok, e = xsd_ok(xml)
    check(ok, "bench: JUnit valid", e)

    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        for name, size in (("appendix-b", "1100,2000"), ("hijack", "1100,1500")):
            out = os.path.join(SHOTS, f"report-{name}.png")
            p = chromium([f"--window-size={size}", "--screenshot=" + out, "file://" + os.path.join(tmp, name + ".html")])
            check(os.path.exists(out), "screenshot " + out, p.stderr[-300:])
finally:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(report("test_report_html"))
