#!/usr/bin/python3
"""tests/stats/gen.py: a small test federation's registers, for the
statistics attacker (tests/stats/attack.py).

    gen.py SEED OUTDIR REGION:COUNT ...

writes OUTDIR/REGION.jsonl for each region, in the import format of
docs/import.md: every graduate is born 2002-2007, has (mostly) a
statistics consent, a support episode, outcome assessments, contacts and
sometimes a crisis, all dated in 2025.  Some graduates get a transfer
consent and a transfer offer to another region of the list, each line
"REGION<tab>LABEL<tab>DESTINATION" in OUTDIR/offers.tsv: the test accepts
them at the destination.  The same seed gives the same files.

Distributions are skewed on purpose, so that the tables have many small
counts: that is what disclosure control must protect.
"""
import json
import os
import random
import sys

YEAR = 2025
SURNAMES_F = ["Иванова", "Петрова", "Смирнова", "Кузнецова", "Соколова",
              "Попова", "Лебедева", "Козлова", "Новикова", "Морозова"]
SURNAMES_M = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Соколов",
              "Попов", "Лебедев", "Козлов", "Новиков", "Морозов"]
NAMES_F = ["Анна", "Мария", "Ольга", "Дарья", "Вера", "Елена"]
NAMES_M = ["Иван", "Пётр", "Алексей", "Дмитрий", "Сергей", "Олег"]
HOUSING = (["own"] * 4 + ["social_rent"] * 3 + ["dormitory"] * 3 +
           ["relatives"] * 2 + ["temporary", "none"])
EDUCATION = ["none"] * 3 + ["vocational"] * 4 + ["higher", "completed"]
EMPLOYMENT = (["employed"] * 4 + ["unemployed_seeking"] * 2 +
              ["not_seeking", "parental_leave"])
FAMILY = ["single"] * 5 + ["partner"] * 2 + ["parent"]


def day(rng, lo, hi):
    """A date of YEAR between day-of-year lo and hi (1..360)."""
    n = rng.randint(lo, hi)
    month = min(12, (n - 1) // 30 + 1)
    return "%04d-%02d-%02d" % (YEAR, month, min(28, (n - 1) % 30 + 1))


def person(rng, region, k, regions, offers):
    label = "%s-%03d" % (region[3:], k)
    sex = rng.choice("FFFMM")
    by = rng.choice([2002, 2003, 2004, 2004, 2005, 2005, 2006, 2007])
    sur = rng.choice(SURNAMES_F if sex == "F" else SURNAMES_M)
    name = rng.choice(NAMES_F if sex == "F" else NAMES_M)
    lines = [{"op": "person.create", "surname": sur, "name": name,
              "birth_date": "%04d-%02d-%02d" % (by, rng.randint(1, 12),
                                                rng.randint(1, 28)),
              "sex": sex}]
    if rng.random() < 0.9:
        lines.append({"op": "consent.add", "id": "cs", "scope":
                      "statistics", "date": day(rng, 1, 60),
                      "document": "Согласие"})
        if rng.random() < 0.05:
            lines.append({"op": "consent.withdraw", "consent": "cs",
                          "date": day(rng, 150, 300)})
    if rng.random() < 0.7:
        lines.append({"op": "episode.open", "id": "ep", "centre": "Центр",
                      "curator": "Куратор", "date": day(rng, 1, 200)})
        if rng.random() < 0.3:
            lines.append({"op": "episode.close", "episode": "ep",
                          "date": day(rng, 210, 340)})
    for _ in range(rng.randint(0, 3)):
        a = {"op": "assessment.add", "date": day(rng, 1, 350)}
        for q, vals in (("housing", HOUSING), ("education", EDUCATION),
                        ("employment", EMPLOYMENT), ("family", FAMILY)):
            if rng.random() < 0.7:
                a[q] = rng.choice(vals)
        if len(a) > 2:
            lines.append(a)
    for _ in range(rng.randint(0, 4)):
        lines.append({"op": "event.add", "date": day(rng, 1, 350),
                      "type": rng.choice(["contact", "consultation",
                                          "housing", "health"]),
                      "text": "Встреча"})
    if rng.random() < 0.12:
        lines.append({"op": "event.add", "date": day(rng, 1, 350),
                      "type": "crisis", "text": "Кризис"})
    if len(regions) > 1 and rng.random() < 0.04:
        to = rng.choice([r for r in regions if r != region])
        lines.append({"op": "consent.add", "scope": "transfer",
                      "date": day(rng, 300, 330), "document": "Заявление"})
        lines.append({"op": "transfer.offer", "to": to, "reason": "Переезд"})
        offers.append((region, label, to))
    for ln in lines:
        ln["dossier"] = label
    return lines


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: gen.py SEED OUTDIR REGION:COUNT ...")
    rng = random.Random(int(sys.argv[1]))
    out = sys.argv[2]
    plan = [(a.split(":")[0], int(a.split(":")[1])) for a in sys.argv[3:]]
    regions = [r for r, _ in plan]
    offers = []
    for region, count in plan:
        with open(os.path.join(out, region + ".jsonl"), "w",
                  encoding="utf-8") as f:
            for k in range(count):
                for ln in person(rng, region, k, regions, offers):
                    f.write(json.dumps(ln, ensure_ascii=False,
                                       sort_keys=True) + "\n")
    with open(os.path.join(out, "offers.tsv"), "w") as f:
        for o in offers:
            f.write("\t".join(o) + "\n")


if __name__ == "__main__":
    main()
