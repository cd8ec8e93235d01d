#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink family's written specification against its UAPI header, on the host: every command,
# attribute, counter, event, state and flag of include/uapi/linux/fscache_nl.h appears in
# Documentation/netlink/fscache.yaml with the same value in the same order, and nothing else does;
# the types the header's comments give are the YAML's; every operation names attributes that exist;
# and Documentation/netlink/fscache.rst documents each command with exactly the attributes the YAML
# gives it.  TAP on stdout, then "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

exec python3 - "$top/include/uapi/linux/fscache_nl.h" "$top/Documentation/netlink/fscache.yaml" \
	"$top/Documentation/netlink/fscache.rst" <<'EOF'
import re
import sys

hdr_path, yaml_path, rst_path = sys.argv[1:4]
results = []


def check(cond, desc, diag=()):
    results.append(bool(cond))
    print("%sok %d - %s" % ("" if cond else "not ", len(results), desc))
    if not cond:
        for line in diag:
            print("# " + str(line))
    return cond


def finish():
    passed = sum(results)
    failed = len(results) - passed
    print("1..%d" % len(results))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


print("TAP version 13")
try:
    import yaml
except ImportError:
    check(False, "python3-yaml is installed", ["apt-get install python3-yaml (scripts/deps.sh)"])
    finish()

# --- the header -------------------------------------------------------------------------------

hdr = open(hdr_path).read()
defines = {m.group(1): m.group(2).strip()
           for m in re.finditer(r'^#define[ \t]+(\w+)[ \t]+(.*?)[ \t]*(?:/\*.*\*/)?[ \t]*$', hdr, re.M)}
enums = {}      # name -> [(entry, value, comment)]
for m in re.finditer(r'enum\s+(\w+)\s*\{(.*?)\};', hdr, re.S):
    entries, known, cur = [], {}, 0
    for line in m.group(2).splitlines():
        cm = re.search(r'/\*\s*(.*?)\s*\*/', line)
        code = re.sub(r'/\*.*?\*/', '', line).strip().rstrip(',').strip()
        if not code:
            continue
        em = re.match(r'^(\w+)\s*(?:=\s*(.+))?$', code)
        if not em:
            continue
        name, expr = em.group(1), em.group(2)
        if expr is not None:
            cur = eval(expr, {}, dict(known))
        known[name] = cur
        entries.append((name, cur, cm.group(1) if cm else ""))
        cur += 1
    enums[m.group(1)] = entries


def plain(enum):
    """Entries without the __CNT and _MAX bookkeeping."""
    return [(n, v) for n, v, _ in enums.get(enum, [])
            if not n.startswith("__") and not n.endswith("_MAX")]


def cnt_max_ok(enum):
    entries = {n: v for n, v, _ in enums.get(enum, [])}
    items = plain(enum)
    cnt = [v for n, v in entries.items() if n.startswith("__") and n.endswith("_CNT")]
    mx = [v for n, v in entries.items() if n.endswith("_MAX")]
    return items and cnt == [items[-1][1] + 1] and mx == [cnt[0] - 1]


def cstr(name):
    v = defines.get(name, "")
    return v[1:-1] if v.startswith('"') else v


# --- the YAML ---------------------------------------------------------------------------------

try:
    spec = yaml.safe_load(open(yaml_path))
    loaded = isinstance(spec, dict)
except Exception as e:  # noqa: BLE001 - any parse failure is the finding
    loaded, spec = False, {}
    err = e
if not check(loaded, "the YAML spec parses", [] if loaded else [err]):
    finish()
missing = [k for k in ("name", "protocol", "doc", "definitions", "attribute-sets", "operations",
                       "mcast-groups") if k not in spec]
check(not missing and spec.get("protocol") == "genetlink",
      "the YAML has every top-level section and protocol genetlink",
      ["missing: %s" % missing, "protocol: %s" % spec.get("protocol")])


def cname(prefix, name):
    return (prefix + name).upper().replace("-", "_")


def yaml_enum(d):
    """[(C name, value)] of a definitions entry of type enum or flags."""
    out, cur = [], d.get("value-start", 0)
    prefix = d.get("name-prefix", spec["name"] + "-" + d["name"] + "-")
    for e in d.get("entries", []):
        e = e if isinstance(e, dict) else {"name": e}
        cur = e.get("value", cur)
        out.append((cname(prefix, e["name"]), 1 << cur if d["type"] == "flags" else cur))
        cur += 1
    return out


def yaml_attrs(aset):
    out, cur = [], 1
    for a in aset.get("attributes", []):
        cur = a.get("value", cur)
        out.append((cname(aset["name-prefix"], a["name"]), cur, a))
        cur += 1
    return out


defs = {d["name"]: d for d in spec.get("definitions", [])}
sets = {s["name"]: s for s in spec.get("attribute-sets", [])}
ops = spec.get("operations", {}).get("list", [])


def compare(desc, want, got):
    """want, got: [(C name, value)] in order."""
    extra = [x for x in got if x not in want]
    lost = [x for x in want if x not in got]
    diag = ["in the header only: %s" % lost, "in the YAML only: %s" % extra]
    if not lost and not extra and want != got:
        diag = ["same entries, different order"]
    return check(want == got, desc, diag)


# --- family-level -----------------------------------------------------------------------------

check(spec.get("name") == cstr("FSCACHE_GENL_NAME"),
      "family name is FSCACHE_GENL_NAME (%s)" % cstr("FSCACHE_GENL_NAME"))
check(str(spec.get("version", 1)) == defines.get("FSCACHE_GENL_VERSION"),
      "family version is FSCACHE_GENL_VERSION (%s)" % defines.get("FSCACHE_GENL_VERSION"))
groups = [g["name"] for g in spec.get("mcast-groups", {}).get("list", [])]
check(groups == [cstr("FSCACHE_GENL_MCGRP_EVENTS")],
      "the one multicast group is FSCACHE_GENL_MCGRP_EVENTS", ["YAML groups: %s" % groups])
check(defs.get("tag-max-len", {}).get("value") == int(defines.get("FSCACHE_TAG_MAX_LEN", -1)),
      "const tag-max-len is FSCACHE_TAG_MAX_LEN")

# --- enums, in value and order ----------------------------------------------------------------

hdr_cmds = plain("fscache_cmd")
check(hdr_cmds[:1] == [("FSCACHE_CMD_UNSPEC", 0)] and cnt_max_ok("fscache_cmd"),
      "header: commands start with UNSPEC = 0 and end with a consistent CNT/MAX")
yaml_ops, cur = [], 1
for op in ops:
    cur = op.get("value", cur)
    yaml_ops.append((cname(spec["operations"].get("name-prefix", "fscache-cmd-"), op["name"]), cur))
    cur += 1
compare("every command in the header is an operation in the YAML with its value, and only those",
        hdr_cmds[1:], yaml_ops)

for enum, setname in (("fscache_a", "fscache"), ("fscache_a_stat", "stat")):
    entries = plain(enum)
    check(entries[:1] and entries[0][1] == 0 and entries[0][0].endswith("_UNSPEC") and
          cnt_max_ok(enum), "header: enum %s starts with UNSPEC = 0, CNT/MAX consistent" % enum)
    got = [(n, v) for n, v, _ in yaml_attrs(sets.get(setname, {"name-prefix": "", "name": ""}))]
    compare("every attribute of enum %s is in attribute set '%s' with its value, and only those"
            % (enum, setname), entries[1:], got)

for enum, dname in (("fscache_cache_nl_state", "cache-nl-state"),
                    ("fscache_cookie_nl_state", "cookie-nl-state"),
                    ("fscache_event", "event")):
    compare("enum %s matches definition '%s'" % (enum, dname), plain(enum),
            yaml_enum(defs[dname]) if dname in defs else [])
check(cnt_max_ok("fscache_event"), "header: enum fscache_event CNT/MAX consistent")

hdr_flags = [(n, eval(re.sub(r'(\d+)U', r'\1', v.split("/*")[0])))
             for n, v in defines.items() if n.startswith("FSCACHE_COOKIE_NL_F_")]
compare("the FSCACHE_COOKIE_NL_F_* bits match flags 'cookie-nl-flags'", hdr_flags,
        yaml_enum(defs["cookie-nl-flags"]) if "cookie-nl-flags" in defs else [])

# --- types --------------------------------------------------------------------------------------

bad = []
words = {"string": "string", "u8": "u8", "u32": "u32", "u64": "u64", "s32": "s32",
         "binary": "binary", "flag": "flag", "nest": "nest"}
hdr_comment = {n: c for n, _, c in enums.get("fscache_a", [])}
for n, _, a in yaml_attrs(sets.get("fscache", {"name-prefix": "", "name": ""})):
    first = re.match(r'^(\w+)', hdr_comment.get(n, ""))
    want = words.get(first.group(1)) if first else None
    if n.endswith("_PAD"):
        want = "pad"
    if want != a.get("type"):
        bad.append("%s: header says %s, YAML %s" % (n, want, a.get("type")))
check(not bad, "each attribute's type in the YAML is the one the header's comment gives", bad)

bad = ["%s is %s" % (n, a.get("type"))
       for n, _, a in yaml_attrs(sets.get("stat", {"name-prefix": "", "name": ""}))
       if a.get("type") != ("pad" if n.endswith("_PAD") else "u64")]
check(not bad, "every counter is a u64", bad)

# --- operations ---------------------------------------------------------------------------------

bad = []
for s in sets.values():
    for a in s.get("attributes", []):
        if a.get("type") == "nest" and a.get("nested-attributes") not in sets:
            bad.append("%s.%s nests unknown set %s" % (s["name"], a["name"],
                                                       a.get("nested-attributes")))
        if "enum" in a and a["enum"] not in defs:
            bad.append("%s.%s uses unknown enum %s" % (s["name"], a["name"], a["enum"]))


def op_attrs(op):
    out = []
    for kind in ("do", "dump"):
        for part in ("request", "reply"):
            out += (op.get(kind) or {}).get(part, {}).get("attributes", [])
    out += (op.get("event") or {}).get("attributes", [])
    return out


for op in ops:
    names = {a["name"] for a in sets.get(op.get("attribute-set"), {}).get("attributes", [])}
    if not op.get("doc"):
        bad.append("%s has no doc" % op["name"])
    for a in op_attrs(op):
        if a not in names:
            bad.append("%s names %s, not in set %s" % (op["name"], a, op.get("attribute-set")))
check(not bad, "operations and nests name only attributes, sets and enums that exist", bad)

admin = sorted(op["name"] for op in ops if "admin-perm" in op.get("flags", []))
check(admin == ["cache-bind", "cache-cull", "cache-set", "cache-unbind"],
      "exactly the state-changing commands need admin-perm", ["admin-perm: %s" % admin])
event = [op for op in ops if "event" in op]
check([op["name"] for op in event] == ["event"] and event[0].get("mcgrp") == "events" and
      "do" not in event[0] and "dump" not in event[0],
      "the event operation is multicast only, on group 'events'")

# --- the reST -----------------------------------------------------------------------------------

try:
    rst = open(rst_path).read()
except OSError as e:
    rst = ""
    check(False, "the reST spec exists", [e])
else:
    allnames = ([n for n, _ in plain("fscache_cmd")[1:]] + [n for n, _ in plain("fscache_a")[1:]] +
                [n for n, _ in plain("fscache_a_stat")[2:]] + [n for n, _ in plain("fscache_event")] +
                [n for n, _ in plain("fscache_cache_nl_state")] +
                [n for n, _ in plain("fscache_cookie_nl_state")] + [n for n, _ in hdr_flags])
    lost = [n for n in allnames if not re.search(r'\b%s\b' % n, rst)]
    check(not lost, "the reST mentions every command, attribute, counter, event, state and flag",
          ["not mentioned: %s" % lost])

    # A section per command, titled ``FSCACHE_CMD_X``; it names exactly the YAML's attributes.
    heads = [(m.start(), m.group(1)) for m in
             re.finditer(r'^(\S[^\n]*)\n([-=~^"])\2+\s*$', rst, re.M)]
    bad = []
    for op in ops:
        title = "``%s``" % cname(spec["operations"].get("name-prefix", "fscache-cmd-"), op["name"])
        idx = [i for i, (_, t) in enumerate(heads) if t.strip() == title]
        if len(idx) != 1:
            bad.append("%s: %d sections titled %s" % (op["name"], len(idx), title))
            continue
        start = heads[idx[0]][0]
        end = heads[idx[0] + 1][0] if idx[0] + 1 < len(heads) else len(rst)
        text = rst[start:end]
        got = set(re.findall(r'\bFSCACHE_A_(?!STAT_)\w+', text)) - {"FSCACHE_A_PAD"}
        want = {cname(sets[op["attribute-set"]]["name-prefix"], a) for a in op_attrs(op)}
        if got != want:
            bad.append("%s: reST only %s, YAML only %s" % (op["name"], sorted(got - want),
                                                           sorted(want - got)))
    check(not bad, "each command's reST section names exactly the attributes the YAML gives it",
          bad)

finish()
EOF
