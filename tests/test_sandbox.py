#!/usr/bin/env python3
"""The seccomp sandbox of mopsdump and mopstop is on (lib/capture/sandbox.c).

With MOPS_SANDBOX_TEST=1 each tool, once its filter is in place, tries a
call the filter forbids (socket): it must die by SIGSYS, in every mode that
enters the sandbox at its own place (printing, --validate with a report,
-w with rotation, mopstop --batch, mopstop's screen in tmux). With
--no-sandbox no filter is entered and the hook is not reached: the tool
does its work and exits 0. And the work itself runs inside the filter: -C
rotation makes its files, the report is written. Sanitizer builds enter a
denylist (LeakSanitizer's exit check needs what the allowlist forbids);
MOPS_SANDBOX_TEST=allowlist gives them the allowlist of release builds, and
every mode must then do its work on 20,000 frames of the benchmark's
traffic, whose sizes take libc down paths the small captures do not (qsort
of over 1 KiB asks sysinfo). MOPS_SANDBOX_TEST=escape has mopsdump -w try
paths out of its rotation directory through the directory's descriptor,
which seccomp cannot see and Landlock refuses.

    test_sandbox.py MOPSDUMP MOPSTOP CAPTURES BENCHGEN"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from pycheck import check, report

mopsdump, mopstop, captures, benchgen = sys.argv[1:5]
cap = os.path.join(captures, "appendix-b.pcapng")
big = os.path.join(captures, "anycast-busy.pcapng")

def run(args, hook):
    env = dict(os.environ)
    if hook:
        env["MOPS_SANDBOX_TEST"] = hook if isinstance(hook, str) else "1"
    if hook == "allowlist":
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
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
    # Paths out of the rotation directory through its descriptor (seccomp
    # sees the descriptor, not the path; Landlock refuses the path), in both
    # filters; a name inside it is still created.
    esc = os.path.join(tmp, "esc")
    os.mkdir(esc)
    for hook in ("escape", "allowlist,escape"):
        for target, inside in ((os.path.join(tmp, "escaped"), False), ("../escaped2", False), ("inside", True)):
            env = {**os.environ, "MOPS_SANDBOX_TEST": hook, "MOPS_SANDBOX_ESCAPE": target,
                   "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"}
            p = subprocess.run([mopsdump, "-r", cap, "-w", os.path.join(esc, "x.pcap"), "-C", "1"], env=env,
                               capture_output=True, text=True, timeout=120)
            made = os.path.exists(os.path.join(esc, "inside") if inside else os.path.join(tmp, os.path.basename(target)))
            if made:
                os.remove(os.path.join(esc, "inside") if inside else os.path.join(tmp, os.path.basename(target)))
            if inside:
                check(p.returncode == 3 and made and f"sandbox test: {target} created" in p.stderr,
                      f"{hook}: a file inside the rotation directory is created", f"exit {p.returncode}: {p.stderr[-300:]}")
            else:
                check(p.returncode == 0 and not made and f"sandbox test: {target} refused: Permission denied" in p.stderr
                      and os.path.getsize(os.path.join(esc, "x.pcap")) > 1000,
                      f"{hook}: openat(dir_fd, {target!r}) is refused and -w goes on",
                      f"exit {p.returncode}: {p.stderr[-300:]}")
    # The allowlist (release builds' filter) does every mode's work.
    gen = os.path.join(tmp, "gen.pcap")
    subprocess.run([benchgen, "-n", "20000", "-s", "400", gen, "/dev/null"], check=True, capture_output=True)
    os.mkdir(os.path.join(tmp, "al"))
    work = {
        "text": ([mopsdump, "-nr", gen], None),
        "-T json": ([mopsdump, "-T", "json", "-nr", gen], None),
        "--validate --report": ([mopsdump, "--validate", "--report", os.path.join(tmp, "al.json"), "-r", gen], None),
        "--validate --html --junit": ([mopsdump, "--validate", "--html", os.path.join(tmp, "al.html"), "--junit",
                                       os.path.join(tmp, "al.xml"), "-r", gen], None),
        "-w -C": ([mopsdump, "-r", gen, "-w", os.path.join(tmp, "al", "x.pcap"), "-C", "2"], None),
        "mopstop --batch --speed max": ([mopstop, "--batch", "--speed", "max", "-r", gen], "packets 20000 "),
        "mopstop --batch --json": ([mopstop, "--batch", "--json", "--speed", "max", "-r", gen], None),
    }
    for name, (args, want) in work.items():
        p = subprocess.run(args, env={**os.environ, "MOPS_SANDBOX_TEST": "allowlist",
                                      "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"},
                           capture_output=True, text=True, timeout=120)
        check(p.returncode == 0 and (want is None or want in p.stdout),
              "allowlist: " + name + " does its work", f"exit {p.returncode}: {p.stderr[-300:]}")
    check(len(os.listdir(os.path.join(tmp, "al"))) >= 3, "allowlist: -C 2 rotated", str(os.listdir(os.path.join(tmp, "al"))))
    check(os.path.getsize(os.path.join(tmp, "al.html")) > 10000 and "</testsuites>" in open(os.path.join(tmp, "al.xml")).read(),
          "allowlist: the HTML page and the JUnit file written")
    r = json.load(open(os.path.join(tmp, "al.json")))
    check(r["packets"] == 20000 and r["summary"]["migrations"]["requested"] > 64,
          "allowlist: the report counts every frame and its migrations",
          f'{r["packets"]} {r["summary"]["migrations"]}')
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
