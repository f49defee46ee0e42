#!/usr/bin/env python3
"""Count meson test results from testlog.json files and print 'N passed, N failed'.

A test that was skipped is counted apart; a run in which no test executed is reported as
such and fails, so CI never mistakes an empty run for a green one."""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logs", nargs="+")
    ap.add_argument("--extra-passed", type=int, default=0)
    ap.add_argument("--extra-failed", type=int, default=0)
    a = ap.parse_args()
    passed, failed, skipped = a.extra_passed, a.extra_failed, 0
    for path in a.logs:
        if not os.path.exists(path):
            print(f"count-tests: {path}: missing (that build ran no test)", file=sys.stderr)
            failed += 1
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                result = json.loads(line).get("result", "")
                if result in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif result == "SKIP":
                    skipped += 1
                else:
                    failed += 1
    if passed + failed == 0:
        print("no test executed")
        print("0 passed, 1 failed")
        return 1
    tail = f", {skipped} skipped" if skipped else ""
    print(f"{passed} passed, {failed} failed{tail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
