#!/usr/bin/env python3
"""mopstop: --batch snapshots of every reference capture against
tests/golden/mopstop/ line by line (`ninja -C build regen-golden-mopstop`
after a deliberate change), the Appendix B chains as in the draft, --json,
bad usage, and the interactive screen driven in tmux: panes, sort, filter,
freeze, help, detail, pause, a terminal too small, quit.

usage: test_mopstop.py MOPSTOP CAPTURES_DIR GOLDEN_DIR [--regen]
"""
import glob, json, os, shutil, subprocess, sys, time

from pycheck import check, report

MOPSTOP, CAPTURES, GOLDEN = (os.path.abspath(a) for a in sys.argv[1:4])
REGEN = "--regen" in sys.argv[4:]
# Captures are named as "captures/NAME.pcapng", from the folder above them,
# so the snapshots' source line does not depend on where the tree is.
TOP = os.path.dirname(CAPTURES)


def batch(capture, *extra):
    p = subprocess.run([MOPSTOP, "-r", os.path.relpath(capture, TOP), "--speed", "max", "--batch", "-d", "30",
                        *extra], capture_output=True, text=True, timeout=60, cwd=TOP)
    return p.returncode, p.stdout, p.stderr


# Snapshots of every capture, line by line.
os.makedirs(GOLDEN, exist_ok=True)
for cap in sorted(glob.glob(os.path.join(CAPTURES, "*.pcapng"))):
    name = os.path.basename(cap)[:-7]
    rc, out, err = batch(cap)
    path = os.path.join(GOLDEN, name + ".txt")
    if REGEN:
        open(path, "w").write(out)
        continue
    want = open(path).read().splitlines()
    got = out.splitlines()
    check(rc == 0 and got[-1:] == ["== end of capture"], f"{name}: one final snapshot, exit 0", err[-200:])
    first = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), None)
    if first is None and len(got) != len(want):
        first = min(len(got), len(want))
    check(first is None, f"{name}: snapshot matches {path}",
          first is not None and f"line {first + 1}:\n  got:  {got[first] if first < len(got) else '(none)'}\n"
          f"  want: {want[first] if first < len(want) else '(none)'}")
if REGEN:
    sys.exit(0)

# What the snapshots must say, independent of the golden files.
rc, out, _ = batch(os.path.join(CAPTURES, "appendix-b.pcapng"))
lines = out.splitlines()
check("10.2.0.0.1:1027        2       10.2.0.0.1:1027 \u2192 10.0.0.0.1:5050 \u2192 525.8.78.2.2:6050" in lines,
      "Appendix B: Router-A/B's chain as in the draft")
check("192.168.1.1.1:1027     2       192.168.1.1.1:1027 \u2192 172.16.0.0.1:2038 \u2192 775.2.23.5.5:4128" in lines,
      "Appendix B: Router-C/D's chain (E7)")
check(any(l.startswith("00:00:01.400  192.168.1.1.1    525.8.78.2.2:6050     192.168.1.1.1:1027    8.8.8.8.8        1"
                       "     normal  succeeded      17.0 ms") for l in lines), "Appendix B: the migration row")
check("migrations: 1 succeeded, 0 failed, 0 pending, 0 unanswered  |  violations 0" in lines, "header counts")
check(any(l.startswith("192.168.1.1.1:1027     8.8.8.8.8:80           1      600        300") for l in lines),
      "the session: moved once, bytes before and after the move")
rc, out, _ = batch(os.path.join(CAPTURES, "bad-no-reply.pcapng"))
check("migrations: 0 succeeded, 0 failed, 0 pending, 1 unanswered  |  violations 1" in out and
      "MIG-NO-REPLY" in out, "bad-no-reply: unanswered, and the validator's finding")
rc, out, _ = batch(os.path.join(CAPTURES, "flapping.pcapng"))
check("normal  failed r2      15.0 ms" in out, "flapping: the second migration failed after 2 resends")
rc, out, _ = batch(os.path.join(CAPTURES, "appendix-b.pcapng"), "--json")
j = json.loads(out.splitlines()[-1])
check([c["chain"] for c in j["nat_chains"]] == [["10.2.0.0.1:1027", "10.0.0.0.1:5050", "525.8.78.2.2:6050"],
                                               ["192.168.1.1.1:1027", "172.16.0.0.1:2038", "775.2.23.5.5:4128"]]
      and j["migrations"][0]["state"] == "succeeded" and j["ended"], "--json snapshot", json.dumps(j)[:300])

# Bad usage: exit 2 with a message.
for args, want in ((["--batch"], "give one source"), (["-r", "/nonexistent.pcapng", "--batch"], "nonexistent"),
                   (["-r", os.path.join(CAPTURES, "appendix-a.pcapng")], "not a terminal"),
                   (["-r", "x", "--speed", "fast", "--batch"], "--speed wants"),
                   (["-i", "nosuchif0", "--batch"], "nosuchif0: no such interface"),
                   (["-r", os.path.join(CAPTURES, "appendix-a.pcapng"), "--batch", "bogus", "((("], "bad filter")):
    p = subprocess.run([MOPSTOP, *args], capture_output=True, text=True, timeout=30)
    check(p.returncode == 2 and want in p.stderr, f"{' '.join(args)}: exit 2, '{want}'", p.stderr)

import tempfile
with tempfile.TemporaryDirectory() as tmp:
    cut = os.path.join(tmp, "cut.pcapng")
    open(cut, "wb").write(open(os.path.join(CAPTURES, "appendix-b.pcapng"), "rb").read()[:3000])
    rc, out, err = batch(cut)
    check(rc == 2 and "file ends inside a block" in err and out.endswith("== end of capture\n"),
          "a truncated capture: what was read is shown, then exit 2 with the reason", err)

# The screen, in tmux.
if shutil.which("tmux"):
    sess = f"mopstop{os.getpid()}"
    def tm(*args):
        return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout
    def screen():
        time.sleep(0.5)
        return tm("capture-pane", "-p", "-t", sess)
    def loaded(timeout=20):
        # Until the capture is read (a sanitizer build on a busy machine
        # takes longer than a fixed pause), so that keys reach a full screen.
        end = time.time() + timeout
        while time.time() < end and "[end of capture]" not in tm("capture-pane", "-p", "-t", sess):
            time.sleep(0.2)
    cmd = f"'{MOPSTOP}' -r '{os.path.join(CAPTURES, 'appendix-b.pcapng')}' --speed 10 -d 0.2; echo EXIT=$?; sleep 60"
    tm("new-session", "-d", "-s", sess, "-x", "132", "-y", "30", cmd)
    try:
        loaded()
        s = screen()
        check("[end of capture]" in s and " 1 Migrations " in s and "succeeded      17.0 ms" in s, "tmux: the screen", s)
        tm("send-keys", "-t", sess, "2")
        s = screen()
        check("10.2.0.0.1:1027 \u2192 10.0.0.0.1:5050 \u2192 525.8.78.2.2:6050" in s, "tmux: 2 shows the NAT chains", s)
        tm("send-keys", "-t", sess, "Tab")
        s = screen()
        check("CLIENT (NOW)" in s and "192.168.1.1.1:1027" in s, "tmux: Tab goes to Sessions", s)
        tm("send-keys", "-t", sess, "2", "/", "192.168", "Enter")
        s = screen()
        check("192.168.1.1.1:1027 \u2192" in s and "10.2.0.0.1:1027 \u2192" not in s and "filter: 192.168" in s,
              "tmux: / filters by address", s)
        tm("send-keys", "-t", sess, "/", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace",
           "Enter")
        s = screen()
        check("10.2.0.0.1:1027 \u2192" in s, "tmux: an empty filter shows all again", s)
        tm("send-keys", "-t", sess, "s")
        check("sort: state" in screen(), "tmux: s cycles the sort")
        tm("send-keys", "-t", sess, "o")
        check("[order frozen]" in screen(), "tmux: o freezes the order")
        tm("send-keys", "-t", sess, "p")
        check("[paused]" in screen(), "tmux: p pauses")
        tm("send-keys", "-t", sess, "Enter")
        s = screen()
        check("NAT chain of 10.2.0.0.1:1027, 2 levels" in s and "level 2: 10.0.0.0.1:5050 -> 525.8.78.2.2:6050" in s,
              "tmux: Enter shows the chain's acks", s)
        tm("send-keys", "-t", sess, "Escape", "h")
        check("mopstop keys" in screen(), "tmux: h shows the help")
        tm("send-keys", "-t", sess, "x")
        tm("resize-window", "-t", sess, "-x", "60", "-y", "10")
        check("terminal too small (60 x 10): mopstop needs 80 x 12" in screen(), "tmux: a terminal too small")
        tm("resize-window", "-t", sess, "-x", "132", "-y", "30")
        check(" 1 Migrations " in screen(), "tmux: and back after a resize")
        tm("send-keys", "-t", sess, "q")
        check("EXIT=0" in screen(), "tmux: q quits with 0")
    finally:
        tm("kill-session", "-t", sess)
    # A long path (as a deep checkout gives) on 80 columns: the path is cut,
    # the state is not.
    deep = tempfile.mkdtemp(prefix="mopstop-")
    long_dir = os.path.join(deep, *(["a-directory-with-a-rather-long-name"] * 4))
    os.makedirs(long_dir)
    shutil.copy(os.path.join(CAPTURES, "appendix-b.pcapng"), long_dir)
    cmd = f"'{MOPSTOP}' -r '{os.path.join(long_dir, 'appendix-b.pcapng')}' --speed max -d 0.2; sleep 60"
    tm("new-session", "-d", "-s", sess, "-x", "80", "-y", "24", cmd)
    try:
        loaded()
        lines = screen().splitlines()
        top = lines[0]
        check(top.startswith("mopstop ") and "  ...name/appendix-b.pcapng  elapsed " in top and
              top.rstrip().endswith("[end of capture]"), "tmux: a long path is elided, the state kept", top)
        # The columns fit 80: the least needed go, STATE and LATENCY stay.
        head = next((l for l in lines if l.startswith("TIME")), "")
        check(head.split() == ["TIME", "MOBILE", "SERVER", "STATE", "LATENCY"] and
              any(l.rstrip().endswith("succeeded      17.0 ms") for l in lines),
              "tmux: at 80 columns the Migrations pane keeps STATE and LATENCY", "\n".join(lines[:12]))
        tm("resize-window", "-t", sess, "-x", "120", "-y", "24")
        head = next((l for l in screen().splitlines() if l.startswith("TIME")), "")
        check(head.split() == ["TIME", "MOBILE", "PREVIOUS", "MIGRATED", "SERVER", "STATE", "LATENCY"],
              "tmux: at 120 columns only PORTS and CODE go", head)
    finally:
        tm("kill-session", "-t", sess)
        shutil.rmtree(deep)
    # LARA (profile §9): a migration's detail shows the attach before it
    # (DAD, the tentative second, the first Migrate); a duplicate address
    # is in the violations pane.
    cmd = f"'{MOPSTOP}' -r '{os.path.join(CAPTURES, 'bad-ignore-dad-reply.pcapng')}' --speed max -d 0.2; sleep 60"
    tm("new-session", "-d", "-s", sess, "-x", "150", "-y", "30", cmd)
    try:
        loaded()
        tm("send-keys", "-t", sess, "Enter")
        s = screen()
        check("attach: DAD request frame 16 at 00:00:01.400, tentative until 00:00:02.400" in s and
              "duplicate: 02:00:5e:00:05:00 holds the address (reply at 00:00:01.401)" in s and
              "first Migrate 1.000 s after the DAD request, from a duplicate (LARA-DUPLICATE-USE)" in s,
              "tmux: a migration's detail shows its attach, DAD and first Migrate", s)
        tm("send-keys", "-t", sess, "Escape", "4")
        s = screen()
        check("LARA-DUPLICATE          775.2.23.6.6 is a duplicate: 02:00:5e:00:00:00 (session 0x5eed0001) asked" in s,
              "tmux: the duplicate address in the violations pane", s)
    finally:
        tm("kill-session", "-t", sess)
else:
    check(False, "tmux is installed (.ci/install-deps installs it)")

sys.exit(report("test_mopstop"))
