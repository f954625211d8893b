"""The Python tests' assertion kit: check() counts and explains failures,
report() prints the closing line and gives the exit status."""
import sys

passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}" + (f"\n  {detail}" if detail else ""), file=sys.stderr)


def report(name):
    print(f"{name}: {passed} passed, {failed} failed")
    return 1 if failed else 0
