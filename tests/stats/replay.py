#!/usr/bin/python3
"""tests/stats/replay.py: a kept release published again under another
draw of the record keys and, if asked, another perturbation table (test
code: it reads the federal database, which researchers never see).

    replay.py STATE.json FED/opora.db A DELTA PTABLE.json OUT.json

STATE.json is what attack.py fetch kept of release 1; OUT.json is the same
questions answered as the federal node would with every person's record
key k replaced by A*k + DELTA mod 2^32 (A made odd): a cell of n persons
and key sum K gets the key A*K + n*DELTA, so the same persons still get
the same key and the same value in every table, as the cell-key method
requires, and attack.py ip can be run on OUT.json with the same truth.
PTABLE.json: {"steps": S, "d": D, "rows": [[weights of -D..D], ...]},
row min(n, last) as in conflict/cellkey.c; for the table of the code,
{"steps": 1000, "d": 3, "rows": [[0,0,0,1000,0,0,0], [0,0,250,500,250,0,0],
[0,50,200,500,200,50,0], [1,49,200,500,200,49,1]]}.  With A = 1, DELTA =
0 and the table of the code, OUT.json equals STATE.json.  The attacker
reads its table from conflict/cellkey.c: give it the same one.
"""
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack  # noqa: E402

M = 1 << 32


def main():
    tmpl, dbp, a, delta, ptab, out = sys.argv[1:7]
    a = int(a) | 1
    delta = int(delta)
    pt = json.load(open(ptab))
    steps, rows, d = pt["steps"], pt["rows"], pt["d"]

    def noise(n, key):
        row = rows[min(n, len(rows) - 1)]
        at = (key * steps) >> 32
        cum = 0
        for i, w in enumerate(row):
            cum += w
            if at < cum:
                return i - d
        sys.exit("replay.py: a row does not sum to its steps")

    db = sqlite3.connect(dbp)
    dist = attack.districts()
    bands = attack.cellkey_rules()[2]
    cells = {}
    for ind, per, reg, sex, b, n, k in db.execute(
            "SELECT c.indicator, c.period, g.region, c.sex, c.band,"
            " c.count, c.keysum FROM stats_release_groups g JOIN"
            " stats_cells c ON c.snapshot = g.snapshot AND c.sex = g.sex"
            " AND c.band = g.band WHERE g.release = 1"):
        cells.setdefault((ind, per), []).append((reg, sex, bands[b], n,
                                                 k % M))
    flows = list(db.execute(
        "SELECT g.region, f.\"to\", f.count, f.keysum FROM"
        " stats_release_groups g JOIN stats_flows f ON f.snapshot ="
        " g.snapshot AND f.sex = g.sex AND f.band = g.band"
        " WHERE g.release = 1"))

    def inside(geo, reg):
        return geo in (reg, dist.get(reg), "RU")

    st = json.load(open(tmpl))
    for q in st["answers"]:
        ans = q["answer"]
        for c in ans.get("cells", []):
            n = k = 0
            if q["kind"] == "flows":
                for o, to, fn, fk in flows:
                    if inside(c["from"], o) and inside(c["to"], to):
                        n += fn
                        k += fk
            else:
                ind = c.get("indicator", ans["indicator"])
                geo = c.get("region") or c.get("district") or \
                    c.get("geography") or "RU"
                for reg, sex, band, bn, bk in cells.get(
                        (ind, ans["period"]), []):
                    if inside(geo, reg) and \
                            c.get("sex", sex) == sex and \
                            c.get("birth_band", band) == band:
                        n += bn
                        k += bk
            p = n + noise(n, (a * k + n * delta) % M)
            pub = n > 0 and p >= ans["threshold"]
            c["count"] = p if pub else None
            c["status"] = "F" if pub else "C"
    json.dump(st, open(out, "w"))


if __name__ == "__main__":
    main()
