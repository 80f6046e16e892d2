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

fetch asks everything a researcher may ask (the table API below: every
indicator x period x allowed breakdown, flows at both levels, coverage)
and keeps the answers.  truth reads the regions' true base cells from the
federal database, which researchers never see.  ip builds one integer
program over the base cells (region x sex x birth-year category x
indicator x period) with every published number, what every status means,
integrality, non-negativity and the related tables' facts, and for every
hidden or perturbed cell decides whether its value is determined; a cell
is RECOVERED when it is and it is hidden, or its true value is a small
count (1..t-1).  diff joins two states in one program where only one
person's cells may differ, and counts how many of that person's indicator
x period values are determined.  Each prints a JSON report on stdout.

The solver is HiGHS through scipy.optimize.milp (Debian's python3-scipy).
"""
import argparse
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
# federal node's command line, as coverage is on main; the attacker is
# given its output as a researcher would be).
BYS = ["", "sex", "birth_year", "sex,birth_year", "region", "region,sex",
       "region,birth_year", "region,sex,birth_year", "district",
       "district,sex", "district,birth_year", "district,sex,birth_year"]
API = [
    {"kind": "query", "src": "https", "path": "/v1/stats/query",
     "each": {"indicator": "INDICATORS", "period": "PERIODS", "by": BYS},
     "fixed": {"format": "json"}},
    {"kind": "flows", "src": "https", "path": "/v1/stats/flows",
     "each": {"period": "YEARS", "level": ["district", "region"]},
     "fixed": {"format": "json"}},
    {"kind": "coverage", "src": "cli",
     "argv": ["stats", "coverage", "--period", "{period}", "--format",
              "json"],
     "each": {"period": "PERIODS"}},
]

# What each status says about a hidden or published cell:
#   exact: the count is the value (give or take the answer's noise bound);
#   small: 1..t-1 (for a value of a question, also a 0 hidden because one
#          other value holds the whole group: docs/statistics.md);
#   zero_or_large: 0 or at least t (secondary suppression; only while the
#          table is not hidden whole);
#   anything else: nothing but non-negative (and the count +- noise if a
#          count is given).
STATUS = {"F": "exact", "A": "small", "D": "zero_or_large"}
# The statuses that tell the attack-power test that the old rules run.
OLD_STATUSES = {"A", "D"}
# Fields of an answer that may say how far a published count can be from
# the truth (perturbation); 0 when none is there.
NOISE_FIELDS = ["noise_max", "max_noise", "perturbation_max"]

# The indicators whose year value is the fourth quarter's (same reference
# date, same rule): all but those counted over the period itself.
PER_PERIOD = {"crisis", "transfer.in", "transfer.out"}


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

    def ask(job):
        entry, params = job
        if entry["src"] == "https":
            q = dict(entry.get("fixed", {}), **params)
            q = {k: v for k, v in q.items() if v != ""}
            url = args.url + entry["path"] + "?" + \
                urllib.parse.urlencode(q, safe=",")
            try:
                with urllib.request.urlopen(url, context=ctx,
                                            timeout=60) as r:
                    return json.loads(r.read())
            except urllib.error.HTTPError as e:
                return {"refused": e.code}
        argv = [args.opora, "--dir", args.fed_dir] + \
            [a.format(**params) for a in entry["argv"]]
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
    state = {"year": args.year, "answers": answers,
             "queries": len(answers), "refused": refused,
             "seconds": round(time.time() - t0, 1)}
    with open(args.out, "w") as f:
        json.dump(state, f)
    json.dump({k: state[k] for k in ("queries", "refused", "seconds")},
              sys.stdout)
    print()


# ---------------------------------------------------------------------------
# truth (test only: the federal database)

def truth(args):
    db = sqlite3.connect(args.db)
    cur = "JOIN stats_current k ON k.snapshot = c.snapshot AND k.year = ?"
    cells = [list(r) for r in db.execute(
        "SELECT c.indicator, c.period, c.region, c.sex, c.birth_year,"
        " c.count FROM stats_cells c " + cur, (args.year,))]
    flows = [list(r) for r in db.execute(
        "SELECT c.region, c.\"to\", c.count FROM stats_flows c " + cur +
        " WHERE c.year = ?", (args.year, args.year))]
    cov = [list(r) for r in db.execute(
        "SELECT c.region, c.period, c.counted FROM stats_coverage c " +
        cur, (args.year,))]
    with open(args.out, "w") as f:
        json.dump({"cells": cells, "flows": flows, "coverage": cov}, f)


class Truth:
    def __init__(self, path):
        t = json.load(open(path))
        self.cells = {}
        for ind, per, reg, sex, by, n in t["cells"]:
            self.cells[(ind, per, reg, sex, by)] = n
        self.flows = {(o, d): n for o, d, n in t["flows"]}
        self.cov = {(r, p): n for r, p, n in t["coverage"]}

    def base(self, ind, per, reg, sex, cat):
        return sum(self.cells.get((ind, per, reg, sex, y), 0)
                   for y in cat_years(cat))


def cat_years(cat):
    """The birth years of a birth-year category: 2005, "2002-2004"."""
    if isinstance(cat, int):
        return [cat]
    m = re.match(r"^(\d{4})\s*(?:-|–|\.\.)\s*(\d{4})$", str(cat))
    if m:
        return list(range(int(m.group(1)), int(m.group(2)) + 1))
    return [int(cat)]


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

    def __init__(self, inds, dist, noise_max=0):
        self.noise_max = noise_max
        self.inds = {i["code"]: i for i in inds}
        self.dist = dist
        self.m = Model()
        self.base = {}          # (state, ind, pkey, reg, sex, cat) -> var
        self.targets = []       # cells to decide
        self.rules = set()

    def noise(self, ans):
        """How far a published count may be from the truth: what the
        answer says, or what the attacker was told (--noise)."""
        said = [ans.get(f) or 0 for f in NOISE_FIELDS]
        return max(said + [self.noise_max])

    def pkey(self, ind, per):
        """Year and Q4 are one unknown for stock indicators."""
        if ind not in PER_PERIOD and per.endswith("-Q4"):
            return per[:4]
        return per

    def bvar(self, st, ind, per, reg, sex, cat):
        k = (st, ind, self.pkey(ind, per), reg, sex, cat)
        if k not in self.base:
            # A count of persons is at most the persons counted.
            ub = np.inf if ind.startswith("transfer.") else \
                self.counted.get((st, reg, per), np.inf)
            self.base[k] = self.m.var(k, ub)
        return self.base[k]

    def add_state(self, st, state, shared=None):
        """Every answer of one state as constraints.  shared(key) tells,
        for differencing, whether a base cell is the other state's."""
        tables = {}
        if not hasattr(self, "counted"):
            self.counted = {}
        for a in state["answers"]:
            if a["kind"] == "coverage" and isinstance(a["answer"], list):
                for row in a["answer"]:
                    self.counted[(st, row["region"],
                                  a["params"]["period"])] = row["counted"]
        for a in state["answers"]:
            if a["kind"] == "query" and "cells" in a["answer"]:
                ans = a["answer"]
                key = (ans["indicator"], ans["period"])
                tables.setdefault(key, []).append(a)
        self.regions = {}
        self.cats = {}
        for (ind, per), answers in tables.items():
            regs, cats = set(), set()
            for a in answers:
                for c in a["answer"]["cells"]:
                    if "region" in c:
                        regs.add(c["region"])
                    if "birth_year" in c:
                        cats.add(c["birth_year"])
            self.regions[(ind, per)] = sorted(regs)
            self.cats[(ind, per)] = sorted(cats, key=str)
        # A question's table is hidden whole when nothing in it is
        # published or primary: then D means nothing.
        whole = {}
        for (ind, per), answers in tables.items():
            grp = self.inds[ind]["group"] or ind
            sts = {c["status"] for a in answers
                   for c in a["answer"]["cells"]}
            whole[(grp, per)] = whole.get((grp, per), set()) | sts
        published = {}
        for (ind, per), answers in tables.items():
            grp = self.inds[ind]["group"] or ind
            failclosed = not (whole[(grp, per)] - {"D"})
            for a in answers:
                ans = a["answer"]
                noise = self.noise(ans)
                t = ans["threshold"]
                for c in ans["cells"]:
                    geo = c.get("region") or c.get("district") or \
                        c.get("geography") or "RU"
                    sexes = [c["sex"]] if "sex" in c else ["F", "M"]
                    cats = [c["birth_year"]] if "birth_year" in c else \
                        self.cats[(ind, per)]
                    regs = [r for r in self.regions[(ind, per)]
                            if geo in (r, self.dist.get(r), "RU")]
                    expr = {}
                    for r in regs:
                        for s in sexes:
                            for y in cats:
                                v = self.bvar(st, ind, per, r, s, y)
                                expr[v] = 1
                    pos = (geo, tuple(sexes), tuple(map(str, cats)))
                    published[(ind, per, pos)] = c
                    self.cell(st, ind, per, expr, c, t, noise, failclosed,
                              pos)
        # Zeros of a question hidden as "small" may be the group rule's:
        # only when two other values are published non-zero is it 1..t-1.
        for tg in self.targets:
            if tg.get("small_group"):
                ind, per, pos = tg["ind"], tg["per"], tg["pos"]
                grp = self.inds[ind]["group"]
                others = [o for o in self.inds if o != ind and
                          self.inds[o]["group"] == grp]
                nz = sum(1 for o in others
                         if (published.get((o, per, pos)) or {}).get(
                             "status") in ("F",) and
                         (published[(o, per, pos)]["count"] or 0) > 0)
                if nz >= 2:
                    self.m.row(tg["expr"], 1, np.inf)
        self.related(st, state)

    def cell(self, st, ind, per, expr, c, t, noise, failclosed, pos):
        kind = STATUS.get(c["status"])
        n = c.get("count")
        tg = {"state": st, "ind": ind, "per": per, "expr": expr,
              "status": c["status"], "t": t, "pos": pos,
              "hidden": n is None}
        if kind == "exact" and n is not None:
            self.m.row(expr, max(0, n - noise), n + noise)
            if noise > 0:
                self.targets.append(tg)
            return
        if n is not None:
            self.m.row(expr, max(0, n - noise), n + noise)
        if kind == "small":
            if self.inds.get(ind, {}).get("group"):
                self.m.row(expr, 0, t - 1)
                tg["small_group"] = True
            else:
                self.m.row(expr, 1, t - 1)
            self.rules.add("status %s: 1..t-1" % c["status"])
        elif kind == "zero_or_large" and not failclosed:
            b = self.m.var(("b", st, ind, per, pos), 1)
            big = dict(expr)
            big[b] = -min(100000, sum(self.m.ub[v] for v in expr))
            self.m.row(big, -np.inf, 0)       # expr <= M b
            low = dict(expr)
            low[b] = -t
            self.m.row(low, 0, np.inf)        # expr >= t b
            self.rules.add("status %s: 0 or >= t" % c["status"])
        self.targets.append(tg)

    def related(self, st, state):
        regions = sorted({r for v in self.regions.values() for r in v})
        per_all = sorted({p for (_, p) in self.regions})
        # crisis <= contact.3m, base cell by base cell, in a quarter.
        for per in per_all:
            if "-Q" not in per:
                continue
            for r in regions:
                for s in "FM":
                    for y in self.cats.get(("crisis", per), []):
                        k = (st, "crisis", per, r, s, y)
                        if k not in self.base:
                            continue
                        kc = (st, "contact.3m", self.pkey("contact.3m",
                                                          per), r, s, y)
                        coef = {self.base[k]: 1}
                        if kc in self.base:
                            coef[self.base[kc]] = coef.get(
                                self.base[kc], 0) - 1
                        self.m.row(coef, -np.inf, 0)
                        self.rules.add("crisis <= contact.3m")
        # Coverage: persons per (region, sex, category) hold at most one
        # value of a question and are the counted total.
        for a in state["answers"]:
            if a["kind"] != "coverage" or not isinstance(a["answer"], list):
                continue
            per = a["params"]["period"]
            for row in a["answer"]:
                r = row["region"]
                if r not in regions:
                    continue
                cats = sorted({y for (ind, p), cs in self.cats.items()
                               if p == per for y in cs}, key=str)
                persons = {}
                for s in "FM":
                    for y in cats:
                        persons[(s, y)] = self.m.var(("N", st, per, r, s,
                                                      y))
                rest = self.m.var(("N", st, per, r, "rest"))
                tot = {v: 1 for v in persons.values()}
                tot[rest] = 1
                self.m.row(tot, row["counted"], row["counted"])
                self.rules.add("coverage: counted persons")
                for (s, y), nv in persons.items():
                    groups = {}
                    for ind in self.inds:
                        if ind.startswith("transfer."):
                            continue
                        k = (st, ind, self.pkey(ind, per), r, s, y)
                        if k not in self.base:
                            continue
                        g = self.inds[ind]["group"] or ind
                        groups.setdefault(g, {})[self.base[k]] = 1
                    for coefs in groups.values():
                        coefs = dict(coefs)
                        coefs[nv] = -1
                        self.m.row(coefs, -np.inf, 0)
        # Flows: origin x destination unknowns, their published cells,
        # and the persons transferred out (in) as their row (column) sums:
        # each person moves at most once a year between two regions.
        fvar = {}
        for a in state["answers"]:
            if a["kind"] != "flows" or "cells" not in a["answer"]:
                continue
            for c in a["answer"]["cells"]:
                for x in (c["from"], c["to"]):
                    if x.startswith("RU-"):
                        regions = sorted(set(regions) | {x})
        for a in state["answers"]:
            if a["kind"] != "flows" or "cells" not in a["answer"]:
                continue
            ans = a["answer"]
            noise = self.noise(ans)
            sts = {c["status"] for c in ans["cells"]}
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
                self.cell(st, "flows", ans["period"], expr, c,
                          ans["threshold"], noise, not (sts - {"D"}), pos)
        year = str(state["year"])
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
        if not hasattr(self, "flowvars"):
            self.flowvars = {}
        for (o, d), v in fvar.items():
            self.flowvars[(st, o, d)] = v

    def truth_of(self, tg, tr):
        """The true value of a target's expression."""
        inv = {v: k for k, v in self.base.items()}
        finv = {v: k for k, v in self.fvar.items()}
        n = 0
        for v in tg["expr"]:
            if v in inv:
                _, ind, per, reg, sex, cat = inv[v]
                n += tr.base(ind, per, reg, sex, cat)
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
        for _ in range(seeds):
            if time.time() - t0 > budget / 4:
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
            if x is not None:
                point(x)
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
        st, ind, per, reg, sex, cat = k
        t = tr[st] if isinstance(tr, dict) else tr
        x[v] = t.base(ind, per, reg, sex, cat)
    for (st, o, d), v in atk.flowvars.items():
        t = tr[st] if isinstance(tr, dict) else tr
        x[v] = t.flows.get((o, d), 0)
    return x


def run_ip(args):
    t0 = time.time()
    state = json.load(open(args.state))
    tr = Truth(args.truth)
    atk = Attack(indicators(), districts(), args.noise)
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
    rec = [t for t in res if t["verdict"] == "determined" and
           (t["hidden"] or 1 <= t["truth"] < t["t"])]
    small = [t for t in rec if 1 <= t["truth"] < t["t"]]
    report = {
        "old_statuses": old,
        "unknowns": atk.m.nvar, "rows": len(atk.m.rows),
        "targets": len(targets),
        "hidden_targets": sum(1 for t in targets if t["hidden"]),
        "recovered": len(rec), "recovered_small": len(small),
        "recovered_crisis": sum(1 for t in rec if t["ind"] == "crisis"),
        "recovered_flows": sum(1 for t in rec if t["ind"] == "flows"),
        "unknown": sum(1 for t in res if t["verdict"] == "unknown"),
        "infeasible": sum(1 for t in res if t["verdict"] == "infeasible"),
        "solves": solves, "solver_seconds": round(secs, 1),
        "build_seconds": round(build, 1), "rules": sorted(atk.rules),
        "examples": [{"indicator": t["ind"], "period": t["per"],
                      "cell": list(t["pos"]), "status": t["status"],
                      "value": t["truth"]} for t in small[:10]],
    }
    json.dump(report, sys.stdout, indent=1, default=str)
    print()


def run_diff(args):
    """Two states; only the target person's base cells may differ."""
    t0 = time.time()
    before = json.load(open(args.before))
    after = json.load(open(args.after))
    ta, tb = Truth(args.truth_before), Truth(args.truth_after)
    reg, sex, by = args.person.split(",")
    by = int(by)
    moved = args.change.split(":")[1] if args.change.startswith("move:") \
        else None
    atk = Attack(indicators(), districts(), args.noise)
    atk.add_state("a", before)
    base_a = dict(atk.base)
    flows_a = dict(atk.fvar)
    atk.targets = []
    atk.add_state("b", after)
    mine = {reg, moved} if moved else {reg}

    def person_cell(k):
        cat = k[5]
        return k[3] in mine and k[4] == sex and by in cat_years(cat)
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
            d = {}
            for r in sorted(mine):
                want = 0
                for st, tr, sign in (("a", ta, -1), ("b", tb, 1)):
                    for k, v in (base_a if st == "a" else atk.base).items():
                        if k[0] == st and k[1] == ind and \
                                k[2] == atk.pkey(ind, per) and k[3] == r \
                                and k[4] == sex and by in cat_years(k[5]):
                            d[v] = d.get(v, 0) + sign
                            want += sign * tr.base(ind, per, r, sex, k[5])
                diffs.append({"ind": ind, "per": per, "region": r,
                              "expr": d, "truth": want, "hidden": True,
                              "t": 0, "pos": (r, sex, by), "status": ""})
                d = {}
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
    values = {}
    for t in det:
        values.setdefault((t["ind"], t["per"]), []).append(t)
    report = {
        "change": args.change, "person": args.person,
        "values": len(atk.inds) * len(pers),
        "determined": len(values),
        "determined_nonzero": sum(1 for v in values.values()
                                  if any(t["truth"] for t in v)),
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
    f.add_argument("--out", required=True)
    f.add_argument("--jobs", type=int, default=2,
                   help="questions asked at once")
    t = sub.add_parser("truth")
    t.add_argument("--db", required=True)
    t.add_argument("--year", type=int, default=2025)
    t.add_argument("--out", required=True)
    for name in ("ip", "diff"):
        p = sub.add_parser(name)
        p.add_argument("--limit", type=float, default=20.0,
                       help="seconds for one solve")
        p.add_argument("--budget", type=float, default=600.0,
                       help="seconds for all solves")
        p.add_argument("--noise", type=int, default=0,
                       help="how far a published count may be from the "
                       "truth, when the answers do not say")
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
