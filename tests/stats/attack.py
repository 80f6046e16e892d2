#!/usr/bin/python3
"""tests/stats/attack.py: a determined researcher against opora's federal
statistics (issue 12).  Test code: it knows the truth only to score itself.

    attack.py fetch --url URL --cert C --key K [--fed-dir D --opora BIN]
                    --year Y --out STATE.json
    attack.py truth --db FED/opora.db --year Y --out TRUTH.json
    attack.py ip    --state STATE.json --truth TRUTH.json
    attack.py diff  --before A.json --after B.json --truth-before TA.json
                    --truth-after TB.json --person REGION,SEX,BIRTH_YEAR
                    --change add|withdraw|move:REGION

fetch asks everything a researcher may ask of a release (the table API
below: every indicator x period x allowed breakdown, flows at both levels,
coverage) and keeps the answers.  truth reads the base cells of that
release from the federal database, which researchers never see.  ip
builds one integer program over the base cells (region x sex x birth-year
band x indicator x period) with every published number and what the
perturbation table of conflict/cellkey.c allows of its true count, what
the one status C allows (a count that can perturb below t), integrality,
non-negativity, the related tables' facts, and the cell-key method's own
fact: the same persons get the same value in every table, so a cell and
a parent (or the counted cell of its persons) published differently are
not the same persons.  For every hidden or perturbed cell it decides
whether its value is determined; a cell is RECOVERED when it is and it is
hidden, or its true value is a small count (1..t-1).  diff joins two
releases in one program where only one person's cells may differ, and
counts how many of that person's indicator x period values are
determined (none when her region holds something back and no difference
proves her group released).  Each prints a JSON report on stdout.

The solver is HiGHS through scipy.optimize.milp (Debian's python3-scipy).
"""
import argparse
import http.client
import json
import os
import random
import re
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix, vstack

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# ---------------------------------------------------------------------------
# What a researcher can ask: one table.  To point the attacker at another
# API, change this table (and STATUS below), nothing else.  "src" is
# "https" (the researcher API) or "cli" (published only through the
# federal node's command line; the attacker is given its output as a
# researcher would be).  With --release N every question names it.
BYS = ["", "sex", "birth_band", "sex,birth_band", "region", "region,sex",
       "region,birth_band", "region,sex,birth_band", "district",
       "district,sex", "district,birth_band", "district,sex,birth_band"]
API = [
    {"kind": "query", "src": "https", "path": "/v1/stats/query",
     "each": {"indicator": "INDICATORS", "period": "PERIODS", "by": BYS},
     "fixed": {"format": "json"}},
    {"kind": "flows", "src": "https", "path": "/v1/stats/flows",
     "each": {"period": "YEARS", "level": ["district", "region"]},
     "fixed": {"format": "json"}},
    {"kind": "coverage", "src": "https", "path": "/v1/stats/coverage",
     "each": {"period": "PERIODS"}, "fixed": {"format": "json"}},
]

# What each status says: "published" (the count, perturbed as the
# perturbation table says), "hidden" (no count: a perturbed value below
# the threshold, zeros included).  Anything else is an old status and
# means nothing to this attacker.
STATUS = {"F": "published", "C": "hidden"}
# The statuses of the suppression before the cell-key method.
OLD_STATUSES = {"A", "D"}

# The indicators whose year value is the fourth quarter's (same reference
# date, same rule): all but those counted over the period itself.
PER_PERIOD = {"crisis", "transfer.in", "transfer.out"}
# The persons of every indicator but these are counted persons
# (docs/statistics.md: nobody else appears in any count).
NOT_COUNTED = {"counted", "registered", "transfer.in", "transfer.out"}


def cellkey_rules():
    """The perturbation table and the bands, from the public code
    (conflict/cellkey.[ch]): (D, rows of supported noises, band names)."""
    h = open(os.path.join(TOP, "conflict", "cellkey.h"),
             encoding="utf-8").read()
    c = open(os.path.join(TOP, "conflict", "cellkey.c"),
             encoding="utf-8").read()
    d = int(re.search(r"#define CELLKEY_D\s+(\d+)", h).group(1))
    rows = []
    for m in re.finditer(r"\{\s*([0-9,\s]+?)\s*\},\s*/\* n ", c):
        w = [int(x) for x in m.group(1).split(",")]
        rows.append([i - d for i, x in enumerate(w) if x > 0])
    bands = re.findall(r'\{ \d{4}, \d{4}, "(\d{4}-\d{4})" \}', c)
    if len(rows) < 2 or not bands:
        sys.exit("attack.py: cannot read conflict/cellkey.c")
    return d, rows, bands


class Noise:
    """What a published value or a hidden cell says of the true count.
    mode "ptable": the cell-key method of conflict/cellkey.c (a count n
    is published as n + e, e from row min(n, last) of the table, when
    that is at least t; hidden otherwise); an integer k: published values
    within k of the count, hidden below t (0: exact, no perturbation)."""

    def __init__(self, mode):
        self.mode = mode
        if mode == "ptable":
            self.d, self.rows, _ = cellkey_rules()
        else:
            self.d, self.rows = int(mode), None

    def supp(self, n):
        return self.rows[min(n, len(self.rows) - 1)]

    def published(self, p, t):
        """The true counts that can be published as p: (lo, hi)."""
        if self.rows is None:
            return max(0, p - self.d), p + self.d
        ns = [n for n in range(0, p + self.d + 1) if p - n in self.supp(n)]
        assert ns == list(range(ns[0], ns[-1] + 1)), "not an interval"
        return ns[0], ns[-1]

    def hidden(self, t):
        """The true counts of a hidden cell: (0, hi)."""
        if self.rows is None:
            return 0, t - 1 + self.d
        ns = [n for n in range(0, t + self.d + 1)
              if n + min(self.supp(n)) < t]
        assert ns == list(range(0, ns[-1] + 1)), "not an interval"
        return 0, ns[-1]


def indicators():
    """The categories, from the public code (protocol/snapshot.c)."""
    src = open(os.path.join(TOP, "protocol", "snapshot.c"),
               encoding="utf-8").read()
    out = []
    for m in re.finditer(r'\{ "([a-z0-9_.]+)", (NULL|"([a-z]+)"), (\d)',
                         src):
        out.append({"code": m.group(1), "group": m.group(3),
                    "sensitive": m.group(4) == "1"})
    return out


def districts():
    """Region -> federal district, from the public code (fields.c)."""
    src = open(os.path.join(TOP, "protocol", "fields.c"),
               encoding="utf-8").read()
    return dict(re.findall(r'\{ "(RU-[A-Z]+)", "[^"]*", "([A-Z]+)" \}',
                           src))


def periods(year):
    return [str(year)] + ["%d-Q%d" % (year, q) for q in range(1, 5)]


# ---------------------------------------------------------------------------
# fetch

def expand(entry, lists):
    combos = [{}]
    for k, vals in entry["each"].items():
        vals = lists[vals] if isinstance(vals, str) else vals
        combos = [dict(c, **{k: v}) for c in combos for v in vals]
    return combos


def fetch(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # a test federation on loopback
    ctx.load_cert_chain(args.cert, args.key)
    lists = {"INDICATORS": [i["code"] for i in indicators()],
             "PERIODS": periods(args.year), "YEARS": [str(args.year)]}
    t0 = time.time()

    retried = []

    # As a client that means well: a connection closed or reset before
    # an answer (a server over its strangers' budget closes a newcomer at
    # once; on loopback every node's pullers share the researcher's
    # address) and a 429 or 503 are asked again after a pause, a few
    # times; any other answer is final.
    def ask_https(url):
        for attempt in range(8):
            pause = min(0.25 * 2 ** attempt, 4.0)
            try:
                with urllib.request.urlopen(url, context=ctx,
                                            timeout=60) as r:
                    return json.loads(r.read())
            except urllib.error.HTTPError as e:
                if e.code not in (429, 503) or attempt == 7:
                    return {"refused": e.code}
                ra = e.headers.get("Retry-After", "")
                pause = int(ra) if ra.isdigit() else pause
                retried.append(e.code)
            except (urllib.error.URLError, ConnectionError,
                    ssl.SSLError, http.client.HTTPException) as e:
                if attempt == 7:
                    raise
                retried.append(type(getattr(e, "reason", e)).__name__)
            time.sleep(pause)

    def ask(job):
        entry, params = job
        if entry["src"] == "https":
            q = dict(entry.get("fixed", {}), **params)
            if args.release:
                q["release"] = str(args.release)
            q = {k: v for k, v in q.items() if v != ""}
            url = args.url + entry["path"] + "?" + \
                urllib.parse.urlencode(q, safe=",")
            return ask_https(url)
        argv = [args.opora, "--dir", args.fed_dir] + \
            [a.format(**params) for a in entry["argv"]]
        if args.release:
            argv += ["--release", str(args.release)]
        r = subprocess.run(argv, capture_output=True, text=True,
                           env=dict(os.environ, OPORA_USER="alice"))
        if r.returncode != 0:
            return {"refused": r.returncode}
        return json.loads(r.stdout)
    jobs = [(e, p) for e in API for p in expand(e, lists)
            if e["src"] == "https" or args.fed_dir]
    with ThreadPoolExecutor(args.jobs) as pool:
        bodies = list(pool.map(ask, jobs))
    answers = [{"kind": e["kind"], "params": p, "answer": b}
               for (e, p), b in zip(jobs, bodies)]
    refused = sum(1 for b in bodies if isinstance(b, dict) and
                  "refused" in b)
    releases = sorted({b.get("release") for b in bodies
                       if isinstance(b, dict) and "release" in b})
    state = {"year": args.year, "answers": answers,
             "queries": len(answers), "refused": refused,
             "retried": len(retried), "releases": releases,
             "seconds": round(time.time() - t0, 1)}
    with open(args.out, "w") as f:
        json.dump(state, f)
    json.dump({k: state[k] for k in ("queries", "refused", "retried",
                                     "releases", "seconds")}, sys.stdout)
    print()


# ---------------------------------------------------------------------------
# truth (test only: the federal database)

def truth(args):
    """The base cells of a release (the latest by default): what its
    answers are computed from."""
    db = sqlite3.connect(args.db)
    rel = args.release or db.execute(
        "SELECT max(n) FROM stats_releases").fetchone()[0]
    if rel is None:
        sys.exit("attack.py truth: no release")
    bands = cellkey_rules()[2]
    grp = ("FROM stats_release_groups g JOIN %s c ON c.snapshot ="
           " g.snapshot AND c.sex = g.sex AND c.band = g.band"
           " WHERE g.release = ? AND g.year = ?")
    cells = [[i, p, r, s, bands[b], n] for i, p, r, s, b, n in db.execute(
        "SELECT c.indicator, c.period, g.region, c.sex, c.band, c.count " +
        grp % "stats_cells", (rel, args.year))]
    flows = [list(r) for r in db.execute(
        "SELECT g.region, c.\"to\", sum(c.count) " + grp % "stats_flows" +
        " AND c.year = ? GROUP BY g.region, c.\"to\"",
        (rel, args.year, args.year))]
    with open(args.out, "w") as f:
        json.dump({"release": rel, "cells": cells, "flows": flows}, f)


class Truth:
    def __init__(self, path):
        t = json.load(open(path))
        self.cells = {}
        for ind, per, reg, sex, band, n in t["cells"]:
            self.cells[(ind, per, reg, sex, band)] = n
        self.flows = {(o, d): n for o, d, n in t["flows"]}

    def base(self, ind, per, reg, sex, band):
        return self.cells.get((ind, per, reg, sex, band), 0)


def band_of(year):
    for b in cellkey_rules()[2]:
        lo, hi = b.split("-")
        if int(lo) <= year <= int(hi):
            return b
    return None


# ---------------------------------------------------------------------------
# The integer program

class Model:
    """Integer unknowns and linear rows lo <= sum c*x <= hi."""

    def __init__(self):
        self.nvar = 0
        self.ub = []
        self.rows = []          # (coefs {var: c}, lo, hi)
        self.names = []

    def var(self, name, ub=np.inf):
        self.names.append(name)
        self.ub.append(ub)
        self.nvar += 1
        return self.nvar - 1

    def row(self, coefs, lo, hi):
        self.rows.append((coefs, lo, hi))

    def components(self):
        """The independent parts: unknowns joined by rows."""
        up = list(range(self.nvar))

        def find(v):
            while up[v] != v:
                up[v] = up[up[v]]
                v = up[v]
            return v
        for coefs, _, _ in self.rows:
            vs = list(coefs)
            for v in vs[1:]:
                a, b = find(vs[0]), find(v)
                if a != b:
                    up[a] = b
        parts = {}
        for v in range(self.nvar):
            parts.setdefault(find(v), []).append(v)
        rows = {}
        for i, (coefs, _, _) in enumerate(self.rows):
            if coefs:
                rows.setdefault(find(next(iter(coefs))), []).append(i)
        return [(vs, rows.get(r, [])) for r, vs in parts.items()], find


class Part:
    """One component of a model, ready to solve again and again."""

    def __init__(self, model, vs, rows):
        self.index = {v: i for i, v in enumerate(vs)}
        self.vs = vs
        n = len(vs)
        a = lil_matrix((len(rows), n))
        self.lo = np.empty(len(rows))
        self.hi = np.empty(len(rows))
        for i, r in enumerate(rows):
            coefs, lo, hi = model.rows[r]
            for v, c in coefs.items():
                a[i, self.index[v]] = c
            self.lo[i] = lo
            self.hi[i] = hi
        self.a = a.tocsr()
        self.ub = np.array([model.ub[v] for v in vs])
        self.n = n

    def optimum(self, obj, limit):
        """A point minimising obj (the best found in limit seconds)."""
        c = np.zeros(self.n)
        for v, k in obj.items():
            c[self.index[v]] = k
        r = milp(c, integrality=np.ones(self.n),
                 constraints=LinearConstraint(self.a, self.lo, self.hi),
                 bounds=Bounds(np.zeros(self.n), self.ub),
                 options={"time_limit": limit, "disp": False})
        if r.x is None:
            return None
        return dict(zip(self.vs, np.round(r.x)))

    def consistent(self, fixed, limit):
        """Whether the part has a point where every (expr, value) of
        fixed holds: the truth must be one, or a rule is wrong."""
        rows = lil_matrix((len(fixed), self.n))
        vals = np.empty(len(fixed))
        for i, (expr, val) in enumerate(fixed):
            for v, c in expr.items():
                rows[i, self.index[v]] = c
            vals[i] = val
        a = vstack([self.a, rows.tocsr()])
        r = milp(np.zeros(self.n), integrality=np.ones(self.n),
                 constraints=LinearConstraint(a, np.append(self.lo, vals),
                                              np.append(self.hi, vals)),
                 bounds=Bounds(np.zeros(self.n), self.ub),
                 options={"time_limit": limit * 5, "disp": False})
        return r.status == 0

    def feasible(self, expr, lo, hi, limit):
        """A point of the part with lo <= expr <= hi: ("yes", x) with x
        over the model's unknowns {var: value}, ("no", None), or
        ("unknown", None) when the solver ran out of time."""
        row = lil_matrix((1, self.n))
        for v, c in expr.items():
            row[0, self.index[v]] = c
        a = vstack([self.a, row.tocsr()])
        r = milp(np.zeros(self.n), integrality=np.ones(self.n),
                 constraints=LinearConstraint(a, np.append(self.lo, lo),
                                              np.append(self.hi, hi)),
                 bounds=Bounds(np.zeros(self.n), self.ub),
                 options={"time_limit": limit, "disp": False})
        if r.status == 0 and r.x is not None:
            return "yes", dict(zip(self.vs, np.round(r.x)))
        if r.status == 2:
            return "no", None
        return "unknown", None


class Attack:
    """The program of one state (or of two states, for differencing)."""

    def __init__(self, inds, dist, noise):
        self.noise = noise
        self.inds = {i["code"]: i for i in inds}
        self.dist = dist
        self.m = Model()
        self.base = {}          # (state, ind, pkey, reg, sex, band) -> var
        self.targets = []       # cells to decide
        self.rules = set()
        self.flowvars = {}

    def pkey(self, ind, per):
        """Year and Q4 are one unknown for stock indicators."""
        if ind not in PER_PERIOD and per.endswith("-Q4"):
            return per[:4]
        return per

    def bvar(self, st, ind, per, reg, sex, band):
        k = (st, ind, self.pkey(ind, per), reg, sex, band)
        if k not in self.base:
            self.base[k] = self.m.var(k)
        return self.base[k]

    def add_state(self, st, state):
        """Every answer of one state as constraints."""
        tables = {}
        for a in state["answers"]:
            ans = a["answer"]
            if a["kind"] not in ("query", "coverage") or \
                    "cells" not in ans:
                continue
            # Coverage answers are counted and registered by region.
            for c in ans["cells"]:
                ind = c.get("indicator", ans["indicator"])
                tables.setdefault((ind, ans["period"]), []).append(
                    (ans, c))
        regs, bands = set(), set()
        for cells in tables.values():
            for _, c in cells:
                if "region" in c:
                    regs.add(c["region"])
                if "birth_band" in c:
                    bands.add(c["birth_band"])
        self.regs = sorted(regs)
        self.bands = sorted(bands)
        # Every published cell, by where it is: for the same-persons
        # rules below.  pos = (geo, sex or None, band or None).
        pub = {}
        for (ind, per), cells in tables.items():
            for ans, c in cells:
                geo = c.get("region") or c.get("district") or \
                    c.get("geography") or "RU"
                sexes = [c["sex"]] if "sex" in c else ["F", "M"]
                bands = [c["birth_band"]] if "birth_band" in c else \
                    self.bands
                expr = {}
                for r in self.regs:
                    if geo not in (r, self.dist.get(r), "RU"):
                        continue
                    for s in sexes:
                        for b in bands:
                            expr[self.bvar(st, ind, per, r, s, b)] = 1
                pos = (geo, c.get("sex"), c.get("birth_band"))
                pub[(self.pkey(ind, per), ind, pos)] = (expr, c)
                self.cell(st, ind, per, expr, c, ans["threshold"], pos)
        self.same_persons(st, pub)
        self.related(st, state)

    def cell(self, st, ind, per, expr, c, t, pos):
        kind = STATUS.get(c["status"])
        n = c.get("count")
        tg = {"state": st, "ind": ind, "per": per, "expr": expr,
              "status": c["status"], "t": t, "pos": pos,
              "hidden": n is None, "published": n}
        if not expr:
            return
        if kind == "published" and n is not None:
            lo, hi = self.noise.published(n, t)
        elif kind == "hidden":
            lo, hi = self.noise.hidden(t)
        elif n is not None:
            lo, hi = max(0, n - self.noise.d), n + self.noise.d
        else:
            lo, hi = 0, np.inf
        self.m.row(expr, lo, hi)
        if lo != hi:
            self.targets.append(tg)

    def differ(self, big, small, why):
        """The persons of small are among those of big, and their
        published forms differ: then they are not the same persons (the
        same persons have the same cell key, hence the same value), and
        big holds at least one more."""
        coefs = dict(big[0])
        for v, k in small[0].items():
            coefs[v] = coefs.get(v, 0) - k
        vb = (big[1]["status"], big[1].get("count"))
        vs = (small[1]["status"], small[1].get("count"))
        if vb == vs:
            return
        coefs = {v: k for v, k in coefs.items() if k}
        if not coefs:
            # The same unknowns published differently: impossible
            # under the rules; the truth check will report it.
            self.m.row(dict(big[0]), 1, 0)
            return
        self.m.row(coefs, 1, np.inf)
        self.rules.add(why)

    def same_persons(self, st, pub):
        """The cell-key method's own fact: a cell of the same persons has
        the same value in every table.  Used as: a cell and one of its
        parents (one dimension coarser), or a cell and the counted (or
        contact) cell of the same persons' superset, published
        differently, are not the same persons."""
        for (pk, ind, pos), cell in pub.items():
            geo, sex, band = pos
            parents = []
            if geo in self.regs:
                parents.append((self.dist.get(geo), sex, band))
            elif geo != "RU":
                parents.append(("RU", sex, band))
            if sex is not None:
                parents.append((geo, None, band))
            if band is not None:
                parents.append((geo, sex, None))
            for pp in parents:
                if (pk, ind, pp) in pub:
                    self.differ(pub[(pk, ind, pp)], cell,
                                "same persons, same value: parents")
            sup = []
            if ind not in NOT_COUNTED:
                sup.append("counted")
            if ind == "counted":
                sup.append("registered")
            # (Not crisis in contact.3m: their thresholds differ, so the
            # same persons may be C in one and published in the other.)
            for o in sup:
                ok = self.pkey(o, pk)
                if (ok, o, pos) in pub:
                    self.differ(pub[(ok, o, pos)], cell,
                                "same persons, same value: %s" % o)

    def related(self, st, state):
        """Rules between base cells, and the flows."""
        year = str(state["year"])
        byk = {}
        for k, v in self.base.items():
            if k[0] == st:
                byk.setdefault(k[2:], {})[k[1]] = v
        def other(ind, per, r, s, b):
            return self.base.get((st, ind, self.pkey(ind, per), r, s, b))
        for (per, r, s, b), inds in byk.items():
            cnt = other("counted", per, r, s, b)
            # A counted person is registered.
            if cnt is not None and "registered" in inds:
                self.m.row({cnt: 1, inds["registered"]: -1}, -np.inf, 0)
                self.rules.add("counted <= registered")
            # Everybody in a count is counted, and holds at most one
            # value of a question.
            groups = {}
            for ind, v in inds.items():
                if ind in NOT_COUNTED:
                    continue
                g = self.inds[ind]["group"] or ind
                groups.setdefault(g, {})[v] = 1
            for g, coefs in groups.items():
                if cnt is not None:
                    coefs = dict(coefs)
                    coefs[cnt] = -1
                    self.m.row(coefs, -np.inf, 0)
                    self.rules.add("a question's values <= counted")
            # crisis <= contact.3m in a quarter.
            ct = other("contact.3m", per, r, s, b)
            if "-Q" in per and "crisis" in inds and ct is not None:
                self.m.row({inds["crisis"]: 1, ct: -1}, -np.inf, 0)
                self.rules.add("crisis <= contact.3m")
        # Flows: origin x destination unknowns, their published cells,
        # and the persons transferred out (in) as their row (column) sums:
        # each person moves at most once a year between two regions.
        regions = list(self.regs)
        for a in state["answers"]:
            if a["kind"] != "flows" or "cells" not in a["answer"]:
                continue
            for c in a["answer"]["cells"]:
                for x in (c["from"], c["to"]):
                    if x.startswith("RU-") and x not in regions:
                        regions.append(x)
        fvar = {}
        pub = {}
        for a in state["answers"]:
            if a["kind"] != "flows" or "cells" not in a["answer"]:
                continue
            ans = a["answer"]
            for c in ans["cells"]:
                expr = {}
                for o in regions:
                    for d in regions:
                        if o == d or c["from"] not in (o, self.dist.get(o)) \
                                or c["to"] not in (d, self.dist.get(d)):
                            continue
                        if (o, d) not in fvar:
                            fvar[(o, d)] = self.m.var(("f", st, o, d))
                        expr[fvar[(o, d)]] = 1
                pos = (c["from"], c["to"])
                if not expr:
                    continue
                pub[pos] = (expr, c)
                self.cell(st, "flows", ans["period"], expr, c,
                          ans["threshold"], pos)
        for (o, d), cell in pub.items():
            if o in self.dist and d in self.dist and \
                    (self.dist[o], self.dist[d]) in pub:
                self.differ(pub[(self.dist[o], self.dist[d])], cell,
                            "same persons, same value: flows")
        for r in regions:
            for ind, side in (("transfer.out", 0), ("transfer.in", 1)):
                coefs = {}
                for (o, d), v in fvar.items():
                    if (o, d)[side] == r:
                        coefs[v] = 1
                for k, v in self.base.items():
                    if k[0] == st and k[1] == ind and k[2] == year and \
                            k[3] == r:
                        coefs[v] = coefs.get(v, 0) - 1
                if coefs and fvar:
                    self.m.row(coefs, 0, 0)
                    self.rules.add("flows = transfers")
        self.fvar = fvar
        for (o, d), v in fvar.items():
            self.flowvars[(st, o, d)] = v

    def truth_of(self, tg, tr):
        """The true value of a target's expression."""
        inv = {v: k for k, v in self.base.items()}
        finv = {v: k[1:] for k, v in self.flowvars.items()}
        n = 0
        for v in tg["expr"]:
            if v in inv:
                _, ind, per, reg, sex, band = inv[v]
                n += tr.base(ind, per, reg, sex, band)
            elif v in finv:
                n += tr.flows.get(finv[v], 0)
        return n


def decide(model, targets, truevar, limit, budget, seeds=12, enough=None,
           count=0):
    """For every target (expr, truth): is it determined?  It is when no
    integer point of the program gives it another value: one program
    asks for a value below the truth, one above.  Every point found on
    the way rules out the targets it gives another value; points that
    push many targets away from the truth at once (random objectives)
    come first, so that most targets need no program of their own.
    truevar: the true value of every unknown the targets use.  With
    count > 0, stops once count determined targets satisfy enough(tg)
    (the rest are "unknown")."""
    rnd = random.Random(1)
    parts, find = model.components()
    t0 = time.time()
    solves = 0
    nt = len(targets)
    tm = lil_matrix((nt, model.nvar))
    want = np.array([tg["truth"] for tg in targets], dtype=float)
    for i, tg in enumerate(targets):
        for v, c in tg["expr"].items():
            tm[i, v] = c
    tm = tm.tocsr()
    is_open = np.zeros(nt, dtype=bool)

    def point(x):
        full = truevar.copy()
        for v, val in x.items():
            full[v] = val
        is_open[:] |= np.abs(tm @ full - want) > 0.5
    roots = {}
    for i, tg in enumerate(targets):
        roots.setdefault(find(next(iter(tg["expr"]))), []).append(i)
    built = {}

    def part_of(root):
        if root not in built:
            vs, rows = next((vs, rows) for vs, rows in parts
                            if find(vs[0]) == root)
            built[root] = Part(model, vs, rows)
        return built[root]
    bad = set()
    for root, idx in roots.items():
        part = part_of(root)
        # The truth is a point of the program, or the attacker's rules
        # are wrong and nothing it would say could be trusted.
        solves += 1
        if not part.consistent([(targets[i]["expr"], targets[i]["truth"])
                                for i in idx], limit):
            bad.update(idx)
            continue
        # Random objectives while they pay: at least seeds of them, and
        # more while each opens at least 1/50 of the cells still closed.
        for k in range(seeds * 5):
            if time.time() - t0 > budget / 3:
                break
            closed = sum(1 for i in idx if not is_open[i])
            if k >= seeds and (closed == 0 or gained * 50 < closed):
                break
            obj = {}
            for i in idx:
                if is_open[i]:
                    continue
                sign = rnd.choice((-1, 1))
                for v, c in targets[i]["expr"].items():
                    obj[v] = obj.get(v, 0) + sign * c
            if not obj:
                break
            x = part.optimum(obj, limit)
            solves += 1
            gained = 0
            if x is not None:
                point(x)
                gained = closed - sum(1 for i in idx if not is_open[i])
    found = 0
    for i, tg in enumerate(targets):
        if i in bad:
            tg["verdict"] = "infeasible"
            continue
        if is_open[i]:
            tg["verdict"] = "open"
            continue
        if time.time() - t0 > budget or (count and found >= count):
            tg["verdict"] = "unknown"
            continue
        part = part_of(find(next(iter(tg["expr"]))))
        tg["verdict"] = "determined"
        for lo, hi in ((-np.inf, tg["truth"] - 1),
                       (tg["truth"] + 1, np.inf)):
            if hi < 0:
                continue
            got, x = part.feasible(tg["expr"], lo, hi, limit)
            solves += 1
            if got == "yes":
                point(x)
                tg["verdict"] = "open"
                break
            if got == "unknown":
                tg["verdict"] = "unknown"
                break
        if count and tg["verdict"] == "determined" and enough(tg):
            found += 1
    return targets, solves, time.time() - t0


def true_vector(atk, tr):
    """The true value of every base cell and flow unknown."""
    x = np.zeros(atk.m.nvar)
    for k, v in atk.base.items():
        st, ind, per, reg, sex, band = k
        t = tr[st] if isinstance(tr, dict) else tr
        x[v] = t.base(ind, per, reg, sex, band)
    for (st, o, d), v in atk.flowvars.items():
        t = tr[st] if isinstance(tr, dict) else tr
        x[v] = t.flows.get((o, d), 0)
    return x


def run_ip(args):
    t0 = time.time()
    state = json.load(open(args.state))
    tr = Truth(args.truth)
    atk = Attack(indicators(), districts(), Noise(args.noise))
    atk.add_state("s", state)
    targets = []
    seen = set()
    for tg in atk.targets:
        key = frozenset(tg["expr"])
        if key in seen:
            continue
        seen.add(key)
        tg["truth"] = atk.truth_of(tg, tr)
        targets.append(tg)
    # Small counts first: they are what the protection is for.
    targets.sort(key=lambda t: not (1 <= t["truth"] < t["t"]))
    old = any(c.get("status") in OLD_STATUSES for a in state["answers"]
              if isinstance(a["answer"], dict)
              for c in a["answer"].get("cells", []))
    build = time.time() - t0
    res, solves, secs = decide(atk.m, targets, true_vector(atk, tr),
                               args.limit, args.budget,
                               enough=lambda t: 1 <= t["truth"] < t["t"],
                               count=args.stop_after,
                               seeds=0 if args.stop_after else 12)
    det = [t for t in res if t["verdict"] == "determined"]
    rec = [t for t in det if t["hidden"] or 1 <= t["truth"] < t["t"]]
    small = [t for t in rec if 1 <= t["truth"] < t["t"]]
    report = {
        "old_statuses": old, "noise": args.noise,
        "unknowns": atk.m.nvar, "rows": len(atk.m.rows),
        "targets": len(targets),
        "hidden_targets": sum(1 for t in targets if t["hidden"]),
        "recovered": len(rec), "recovered_small": len(small),
        "recovered_nonzero": sum(1 for t in rec if t["truth"] > 0),
        "recovered_crisis": sum(1 for t in rec if t["ind"] == "crisis"),
        "recovered_flows": sum(1 for t in rec if t["ind"] == "flows"),
        "single_person_flows": sum(1 for t in det if t["ind"] == "flows"
                                   and t["truth"] == 1),
        # A published count whose noise the program removed: not small,
        # but exact.
        "exact_published": sum(1 for t in det if not t["hidden"]),
        "unknown": sum(1 for t in res if t["verdict"] == "unknown"),
        "infeasible": sum(1 for t in res if t["verdict"] == "infeasible"),
        "solves": solves, "solver_seconds": round(secs, 1),
        "build_seconds": round(build, 1), "rules": sorted(atk.rules),
        "examples": [{"indicator": t["ind"], "period": t["per"],
                      "cell": list(map(str, t["pos"])),
                      "status": t["status"], "value": t["truth"]}
                     for t in rec[:10]],
    }
    json.dump(report, sys.stdout, indent=1, default=str)
    print()


def held_regions(state):
    return {r for a in state["answers"] if isinstance(a["answer"], dict)
            for r in a["answer"].get("held", [])}


def run_diff(args):
    """Two states; only the target person's base cells may differ."""
    t0 = time.time()
    before = json.load(open(args.before))
    after = json.load(open(args.after))
    ta, tb = Truth(args.truth_before), Truth(args.truth_after)
    reg, sex, by = args.person.split(",")
    band = band_of(int(by))
    moved = args.change.split(":")[1] if args.change.startswith("move:") \
        else None
    atk = Attack(indicators(), districts(), Noise(args.noise))
    atk.add_state("a", before)
    base_a = dict(atk.base)
    flows_a = dict(atk.fvar)
    atk.targets = []
    atk.add_state("b", after)
    mine = {reg, moved} if moved else {reg}

    def person_cell(k):
        return k[3] in mine and k[4] == sex and k[5] == band
    # Every other base cell is the same in both states.
    for k, vb in atk.base.items():
        if k[0] != "b":
            continue
        ka = ("a",) + k[1:]
        if person_cell(k):
            # One person: her cell moves by at most one, one way.
            lo, hi = {"add": (0, 1), "withdraw": (-1, 0)}.get(
                args.change, (-1, 1))
            if ka in base_a:
                atk.m.row({vb: 1, base_a[ka]: -1}, lo, hi)
            else:
                atk.m.row({vb: 1}, max(lo, 0), hi)
            continue
        if ka in base_a:
            atk.m.row({vb: 1, base_a[ka]: -1}, 0, 0)
        else:
            atk.m.row({vb: 1}, 0, 0)
    for k, va in base_a.items():
        kb = ("b",) + k[1:]
        if kb not in atk.base and not person_cell(k):
            atk.m.row({va: 1}, 0, 0)
    for (o, d), vb in atk.fvar.items():
        if moved and (o, d) == (reg, moved):
            continue
        if (o, d) in flows_a:
            atk.m.row({vb: 1, flows_a[(o, d)]: -1}, 0, 0)
        else:
            atk.m.row({vb: 1}, 0, 0)
    # The person's values: one difference per indicator x period.
    diffs = []
    pers = args.periods.split(",") if args.periods else \
        periods(before["year"])
    for ind in atk.inds:
        for per in pers:
            for r in sorted(mine):
                d = {}
                want = 0
                for st, tr, sign, bs in (("a", ta, -1, base_a),
                                         ("b", tb, 1, atk.base)):
                    k = (st, ind, atk.pkey(ind, per), r, sex, band)
                    if k in bs:
                        d[bs[k]] = d.get(bs[k], 0) + sign
                        want += sign * tr.base(ind, atk.pkey(ind, per), r,
                                               sex, band)
                diffs.append({"ind": ind, "per": per, "region": r,
                              "expr": d, "truth": want, "hidden": True,
                              "t": 0, "pos": (r, sex, band), "status": ""})
    targets = [t for t in diffs if t["expr"]]
    # A difference with no unknown is 0 and seen by anyone: determined.
    trivial = [t for t in diffs if not t["expr"]]
    res, solves, secs = decide(atk.m, targets,
                               true_vector(atk, {"a": ta, "b": tb}),
                               args.limit, args.budget,
                               enough=lambda t: t["truth"] != 0,
                               count=args.stop_after,
                               seeds=0 if args.stop_after else 12)
    det = [t for t in res if t["verdict"] == "determined"] + trivial
    # A region that holds something back in the later release may hold
    # her change back: then every difference is 0 whatever her values,
    # and a determined 0 tells nothing of her.  Only a determined
    # non-zero difference proves her group released.
    held = held_regions(after) & mine
    if held and not any(t["truth"] for t in det):
        learned = []
    else:
        learned = det
    values = {}
    for t in learned:
        values.setdefault((t["ind"], t["per"]), []).append(t)
    report = {
        "change": args.change, "person": args.person, "band": band,
        "held": sorted(held),
        "values": len(atk.inds) * len(pers),
        "determined": len(values),
        "determined_nonzero": sum(1 for v in values.values()
                                  if any(t["truth"] for t in v)),
        "determined_differences": len({(t["ind"], t["per"]) for t in det}),
        "unknown": sum(1 for t in res if t["verdict"] == "unknown"),
        "infeasible": sum(1 for t in res if t["verdict"] == "infeasible"),
        "solves": solves, "solver_seconds": round(secs, 1),
        "seconds": round(time.time() - t0, 1),
        "learned": sorted("%s %s %+d" % (t["ind"], t["per"], t["truth"])
                          for v in values.values() for t in v
                          if t["truth"]),
    }
    json.dump(report, sys.stdout, indent=1, default=str)
    print()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch")
    f.add_argument("--url", required=True)
    f.add_argument("--cert", required=True)
    f.add_argument("--key", required=True)
    f.add_argument("--fed-dir")
    f.add_argument("--opora", default="opora")
    f.add_argument("--year", type=int, default=2025)
    f.add_argument("--release", type=int, default=0,
                   help="the release to ask (the latest by default)")
    f.add_argument("--out", required=True)
    f.add_argument("--jobs", type=int, default=2,
                   help="questions asked at once")
    t = sub.add_parser("truth")
    t.add_argument("--db", required=True)
    t.add_argument("--year", type=int, default=2025)
    t.add_argument("--release", type=int, default=0,
                   help="the release (the latest by default)")
    t.add_argument("--out", required=True)
    for name in ("ip", "diff"):
        p = sub.add_parser(name)
        p.add_argument("--limit", type=float, default=20.0,
                       help="seconds for one solve")
        p.add_argument("--budget", type=float, default=600.0,
                       help="seconds for all solves")
        p.add_argument("--noise", default="ptable",
                       help="what a published count says of the truth: "
                       "'ptable' (conflict/cellkey.c, the default) or N, "
                       "the count within N (0: exact)")
        p.add_argument("--stop-after", type=int, default=0,
                       help="stop after recovering this many small counts "
                       "(ip) or non-zero values (diff): to test the "
                       "attacker's power")
        if name == "ip":
            p.add_argument("--state", required=True)
            p.add_argument("--truth", required=True)
        else:
            p.add_argument("--before", required=True)
            p.add_argument("--after", required=True)
            p.add_argument("--truth-before", required=True)
            p.add_argument("--truth-after", required=True)
            p.add_argument("--person", required=True)
            p.add_argument("--change", required=True)
            p.add_argument("--periods", help="the periods the change can "
                           "touch (comma-separated; all five by default)")
    args = ap.parse_args()
    {"fetch": fetch, "truth": truth, "ip": run_ip, "diff": run_diff}[
        args.cmd](args)


if __name__ == "__main__":
    main()
