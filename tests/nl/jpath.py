#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Pick values out of JSON on stdin, for shell tests (jq is not among the project's packages).

  jpath.py PATH...

Each PATH is printed on a line of its own.  A PATH is steps separated by '.':
  NAME       the member NAME of an object
  N          element N of an array (negative counts from the end)
  [K=V]      the first element of an array whose member K, as text, is V
  #          the length of an array or object
  *          every element of an array: the rest of the path applies to each, one line each
  keys       the sorted member names of an object, comma-separated
An empty PATH is the whole document.  Strings print raw, true/false/null as JSON, arrays and
objects as compact JSON with sorted keys.  A step that finds nothing prints "<none>" for that
PATH and makes the exit status 1.  With -l, the input is JSON lines and each line is one
document: the PATHs are printed for each, in order.
"""

import json
import sys


class Missing(Exception):
    pass


def text(v):
    if isinstance(v, str):
        return v
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True, separators=(",", ":"))
    return json.dumps(v)


def walk(v, steps):
    """The values @steps lead to from @v (a list: '*' fans out)."""
    if not steps:
        return [v]
    step, rest = steps[0], steps[1:]
    if step == "#":
        if not isinstance(v, (list, dict)):
            raise Missing(step)
        return walk(len(v), rest)
    if step == "keys":
        if not isinstance(v, dict):
            raise Missing(step)
        return walk(",".join(sorted(v)), rest)
    if step == "*":
        if not isinstance(v, list):
            raise Missing(step)
        out = []
        for e in v:
            out.extend(walk(e, rest))
        return out
    if step.startswith("[") and step.endswith("]") and "=" in step:
        k, want = step[1:-1].split("=", 1)
        if isinstance(v, list):
            for e in v:
                if isinstance(e, dict) and k in e and text(e[k]) == want:
                    return walk(e, rest)
        raise Missing(step)
    if isinstance(v, list):
        try:
            return walk(v[int(step)], rest)
        except (ValueError, IndexError) as e:
            raise Missing(step) from e
    if isinstance(v, dict) and step in v:
        return walk(v[step], rest)
    raise Missing(step)


def main(argv):
    lines = False
    if argv[:1] == ["-l"]:
        lines = True
        argv = argv[1:]
    data = sys.stdin.read()
    try:
        docs = [json.loads(s) for s in data.splitlines() if s.strip()] if lines else [json.loads(data)]
    except ValueError as e:
        print("jpath: not JSON: %s" % e, file=sys.stderr)
        return 2
    rc = 0
    for doc in docs:
        for path in argv:
            steps = [s for s in path.split(".") if s != ""]
            try:
                for v in walk(doc, steps):
                    print(text(v))
            except Missing:
                print("<none>")
                rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
