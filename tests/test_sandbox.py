#!/usr/bin/env python3
"""The seccomp sandbox of mopsdump and mopstop is on (lib/capture/sandbox.c).

With MOPS_SANDBOX_TEST=1 each tool, once its filter is in place, tries a
call the filter forbids (socket): it must die by SIGSYS, in every mode that
enters the sandbox at its own place (printing, --validate with a report,
-w with rotation, mopstop --batch, mopstop's screen in tmux). With
--no-sandbox no filter is entered and the hook is not reached: the tool
does its work and exits 0. And the work itself runs inside the filter: -C
rotation makes its files, the report is written.

    test_sandbox.py MOPSDUMP MOPSTOP CAPTURES"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from pycheck import check, report

mopsdump, mopstop, captures = sys.argv[1:4]
cap = os.path.join(captures, "appendix-b.pcapng")
big = os.path.join(captures, "anycast-busy.pcapng")

def run(args, hook):
    env = dict(os.environ)
    if hook:
        env["MOPS_SANDBOX_TEST"] = "1"
    p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stderr


tmp = tempfile.mkdtemp()
try:
    modes = {
        "mopsdump printing": [mopsdump, "-r", cap],
        "mopsdump --validate --report": [mopsdump, "-r", cap, "--validate", "--report", os.path.join(tmp, "r.json")],
        "mopsdump -w -C": [mopsdump, "-r", big, "-w", os.path.join(tmp, "rot.pcapng"), "-C", "1"],
        "mopstop --batch": [mopstop, "--batch", "-n", "1", "--speed", "max", "-r", cap],
    }
    for name, args in modes.items():
        rc, err = run(args, True)
        check(rc == -signal.SIGSYS, name + ": dies by SIGSYS on a forbidden call", f"exit {rc}: {err[-300:]}")
        rc, err = run(args[:1] + ["--no-sandbox"] + args[1:], True)
        check(rc == 0 and "sandbox test" not in err, name + " --no-sandbox: no filter, the work done",
              f"exit {rc}: {err[-300:]}")
    # The work under the filter.
    rc, err = run([mopsdump, "-r", cap, "--validate", "--report", os.path.join(tmp, "r.json")], False)
    check(rc == 0 and '"tool": "mopsdump"' in open(os.path.join(tmp, "r.json")).read(),
          "the report is written inside the sandbox", err[-300:])
    # Over 3 MB of frames (a pcap of one capture's frames forty times), for
    # -C 1 to rotate.
    one = os.path.join(tmp, "one.pcap")
    subprocess.run([mopsdump, "-r", big, "-w", one], check=True, capture_output=True)
    blob = open(one, "rb").read()
    with open(os.path.join(tmp, "many.pcap"), "wb") as f:
        f.write(blob[:24] + blob[24:] * 120)
    big = os.path.join(tmp, "many.pcap")
    rot = os.path.join(tmp, "rot")
    os.mkdir(rot)
    rc, err = run([mopsdump, "-r", big, "-w", os.path.join(rot, "x.pcap"), "-C", "1"], False)
    files = sorted(os.listdir(rot))
    check(rc == 0 and files[:3] == ["x.pcap", "x.pcap1", "x.pcap2"], "-C rotates inside the sandbox",
          f"{rc} {files} {err}")
    # The screen, in tmux: the hook kills it once curses is up.
    if shutil.which("tmux"):
        sock = os.path.join(tmp, "tmux")
        out = os.path.join(tmp, "screen-rc")
        cmd = f"MOPS_SANDBOX_TEST=1 {mopstop} -r {cap} 2>/dev/null; echo $? > {out}"
        subprocess.run(["tmux", "-S", sock, "new-session", "-d", "-x", "120", "-y", "40", cmd], check=True)
        for _ in range(100):
            if os.path.exists(out) and open(out).read().strip():
                break
            time.sleep(0.1)
        subprocess.run(["tmux", "-S", sock, "kill-server"], capture_output=True)
        rc = open(out).read().strip() if os.path.exists(out) else "none"
        check(rc == str(128 + signal.SIGSYS), "mopstop's screen: dies by SIGSYS on a forbidden call", f"exit {rc}")
finally:
    shutil.rmtree(tmp)
sys.exit(report("test_sandbox"))
