#!/usr/bin/python3
"""tests/stats/why.py: which published numbers and rules pin the cells
that attack.py ip recovered (test code, for whoever changes the
protection).

    why.py STATE.json TRUTH.json IP.json [NOISE]

For each of IP.json's examples (the first ten recoveries), the linear
relaxation of the attacker's program is solved twice, for the cell's
least and greatest value; when both equal the truth, the rows with a
non-zero dual value are printed: the published cells ("cell", with their
status and value, "lo" or "hi" for the end of the table's reach that
binds) and rules ("differ": the same persons, same value rule) that
together leave the cell one value.  NOISE as attack.py's (ptable).
"""
import json
import os
import sys

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack  # noqa: E402

labels = {}


class Labelled(attack.Attack):
    def cell(self, st, ind, per, expr, c, t, pos):
        n0 = len(self.m.rows)
        super().cell(st, ind, per, expr, c, t, pos)
        if len(self.m.rows) > n0:
            labels[n0] = "cell %s %s %s %s=%s" % (
                ind, per, pos, c["status"], c.get("count"))

    def differ(self, big, small, why):
        n0 = len(self.m.rows)
        super().differ(big, small, why)
        if len(self.m.rows) > n0:
            labels[n0] = "differ %s: %s/%s vs %s/%s" % (
                why, big[1]["status"], big[1].get("count"),
                small[1]["status"], small[1].get("count"))


def main():
    state = json.load(open(sys.argv[1]))
    tr = attack.Truth(sys.argv[2])
    ex = json.load(open(sys.argv[3]))["examples"]
    noise = sys.argv[4] if len(sys.argv) > 4 else "ptable"
    atk = Labelled(attack.indicators(), attack.districts(),
                   attack.Noise(noise))
    atk.add_state("s", state)
    m = atk.m
    names = {v: k for k, v in atk.base.items()}
    a = lil_matrix((2 * len(m.rows), m.nvar))
    b = []
    for i, (coefs, lo, hi) in enumerate(m.rows):
        for v, c in coefs.items():
            a[2 * i, v] = c
            a[2 * i + 1, v] = -c
        b += [hi if np.isfinite(hi) else 1e9, -lo if np.isfinite(lo) else 1e9]
    a = a.tocsr()
    b = np.array(b)
    bounds = [(0, u if np.isfinite(u) else None) for u in m.ub]
    want = {(e["indicator"], e["period"], tuple(e["cell"])) for e in ex}
    seen = set()
    for tg in atk.targets:
        key = (tg["ind"], tg["per"], tuple(map(str, tg["pos"])))
        if key not in want or key in seen:
            continue
        seen.add(key)
        c = np.zeros(m.nvar)
        for v, w in tg["expr"].items():
            c[v] = w
        res = [linprog(s * c, A_ub=a, b_ub=b, bounds=bounds, method="highs")
               for s in (1, -1)]
        lo, hi = res[0].fun, -res[1].fun
        print("%s %s %s %s: true %d, relaxation %.2f..%.2f" % (
            tg["ind"], tg["per"], tg["pos"], tg["status"],
            atk.truth_of(tg, tr), lo, hi))
        if hi - lo >= 0.999:
            continue
        for side, r in zip(("least", "greatest"), res):
            du = r.ineqlin.marginals
            for j in np.nonzero(np.abs(du) > 1e-7)[0]:
                i = j // 2
                what = labels.get(i) or "rule %s" % {
                    str(names.get(v, v)): k
                    for v, k in m.rows[i][0].items()}
                print("  %s: %s %s" % (side, "hi" if j % 2 == 0 else "lo",
                                       what))


if __name__ == "__main__":
    main()
