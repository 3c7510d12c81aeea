#!/usr/bin/env python3
"""Build realistic_v4.json from the hand-written, inline-marked texts in source/.

The mark syntax, the check-digit filling and the span checks are those of
../realistic_v2/build.py, which is imported (not copied) so that v2, v3 and v4 are built by
the same rules:

    [[TYPE:value]]            a labeled span
    [[TYPE~scheme:value]]     a labeled span whose value holds check-digit placeholders:
                              '?' = one digit, '*' = one letter A-Z, '^' = one digit or letter;
                              the builder fills them with the only characters that validate.

Differences from v2's builder (the same approach as ../realistic_v3/build.py):
  * ids are rv4-0001 ...; the output is realistic_v4.json;
  * a few schemes are added (EE isikukood, LT asmens kodas, BG EGN, IS kennitala, SG NRIC,
    GB NHS number, AT SVNR, AR CUIT, NZ IRD, HK identity card, EC and UY cédula, KZ IIN;
    the GB, AT and AR ones are those of v3) and a few IBAN lengths (AE, BG, LT, IS, SI, QA,
    LV); v2's parser, filler and schemes are used unchanged;
  * the build and check loop is v3's (imported): the phone check (libphonenumber, region = the
    text's country, XX -> US) and the python-stdnum second opinion are always run when the
    packages are importable, and any failure stops the build (v2 only printed them with
    --strict);
  * genres must be snake_case; the split (odd ids = dev, even ids = test) is printed.

    python build.py             # build, check and print counts
    python build.py --markdown  # print the count tables used in README.md
"""
from __future__ import annotations

import collections
import importlib
import importlib.util
import re
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "realistic_v4.json"
V2_BUILD = HERE.parent / "realistic_v2" / "build.py"

sys.dont_write_bytecode = True  # leave no __pycache__ in realistic_v2/
_spec = importlib.util.spec_from_file_location("rv2_build", V2_BUILD)
b = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(b)
b.HERE = HERE          # load_records() reads source/ under b.HERE
b.OUT = OUT

TYPES = b.TYPES

# v3's builder: its build and check loop and the GB, AT and AR schemes are reused, not copied.
_v3_spec = importlib.util.spec_from_file_location("rv3_build", HERE.parent / "realistic_v3" / "build.py")
v3 = importlib.util.module_from_spec(_v3_spec)
_v3_spec.loader.exec_module(v3)
gb_nhs, at_vnr, ar_cuit = v3.gb_nhs, v3.at_vnr, v3.ar_cuit


# ----------------------------------------------------------------- extra schemes

def ee_ik(s: str) -> bool:
    """Estonian isikukood (and Lithuanian asmens kodas): 11 digits, two-pass mod 11."""
    d = b._digits(s)
    if len(d) != 11:
        return False
    r = b._weighted(d[:10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) % 11
    if r == 10:
        r = b._weighted(d[:10], [3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 11
        if r == 10:
            r = 0
    return r == int(d[10])


def bg_egn(s: str) -> bool:
    """Bulgarian EGN: 10 digits, weights 2,4,8,5,10,9,7,3,6 mod 11 (10 -> 0)."""
    d = b._digits(s)
    if len(d) != 10:
        return False
    r = b._weighted(d[:9], [2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11
    return (0 if r == 10 else r) == int(d[9])


def is_kt(s: str) -> bool:
    """Icelandic kennitala: DDMMYY RR C century; weights 3,2,7,6,5,4,3,2 mod 11."""
    d = b._digits(s)
    if len(d) != 10 or d[9] not in "890":
        return False
    r = 11 - b._weighted(d[:8], [3, 2, 7, 6, 5, 4, 3, 2]) % 11
    r = 0 if r == 11 else r
    return r != 10 and r == int(d[8])


def sg_nric(s: str) -> bool:
    """Singapore NRIC/FIN: S/T/F/G + 7 digits + check letter."""
    v = b._alnum(s)
    if not re.fullmatch(r"[STFG]\d{7}[A-Z]", v):
        return False
    total = b._weighted(v[1:8], [2, 7, 6, 5, 4, 3, 2]) + (4 if v[0] in "TG" else 0)
    table = "JZIHGFEDCBA" if v[0] in "ST" else "XWUTRQPNMLK"
    return table[total % 11] == v[8]


def nz_ird(s: str) -> bool:
    """New Zealand IRD number: 8 or 9 digits, mod 11 with primary/secondary weights."""
    d = b._digits(s)
    if len(d) not in (8, 9) or not 10_000_000 < int(d) < 150_000_000:
        return False
    base = d[:-1].rjust(8, "0")
    for w in ([3, 2, 7, 6, 5, 4, 3, 2], [7, 4, 3, 2, 5, 2, 7, 6]):
        r = -b._weighted(base, w) % 11
        if r != 10:
            return r == int(d[-1])
    return False


def hk_id(s: str) -> bool:
    """Hong Kong identity card: 1-2 letters + 6 digits + check (0-9 or A), often "(c)"."""
    v = b._alnum(s)
    m = re.fullmatch(r"([A-Z]{1,2})(\d{6})([0-9A])", v)
    if not m:
        return False
    letters = m[1].rjust(2, " ")
    total = sum(w * (36 if c == " " else ord(c) - 55) for w, c in zip([9, 8], letters))
    total += b._weighted(m[2], [7, 6, 5, 4, 3, 2])
    r = -total % 11
    return ("A" if r == 10 else str(r)) == m[3]


def ec_ci(s: str) -> bool:
    """Ecuadorian cédula: 10 digits, province 01-24 or 30, mod 10 with weights 2,1,2,1..."""
    d = b._digits(s)
    if len(d) != 10 or not (1 <= int(d[:2]) <= 24 or d[:2] == "30") or d[2] > "5":
        return False
    total = sum(x - 9 if x > 9 else x for x in (int(c) * (2 - i % 2) for i, c in enumerate(d[:9])))
    return (10 - total % 10) % 10 == int(d[9])


def uy_ci(s: str) -> bool:
    """Uruguayan cédula de identidad: 7 digits + check, weights 2,9,8,7,6,3,4 mod 10."""
    d = b._digits(s).rjust(8, "0")
    if len(d) != 8:
        return False
    return (10 - b._weighted(d[:7], [2, 9, 8, 7, 6, 3, 4]) % 10) % 10 == int(d[7])


def kz_iin(s: str) -> bool:
    """Kazakh IIN/BIN: 12 digits, mod 11 with weights 1..11, then 3..11,1,2 when needed."""
    d = b._digits(s)
    if len(d) != 12:
        return False
    r = b._weighted(d[:11], range(1, 12)) % 11
    if r == 10:
        r = b._weighted(d[:11], [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) % 11
    return r != 10 and r == int(d[11])


b.SCHEMES.update({"ec_ci": ec_ci, "uy_ci": uy_ci, "kz_iin": kz_iin, "hk_id": hk_id, "nz_ird": nz_ird, "ee_ik": ee_ik, "lt_asmens": ee_ik, "bg_egn": bg_egn, "is_kt": is_kt,
                  "sg_nric": sg_nric, "gb_nhs": gb_nhs, "at_vnr": at_vnr, "ar_cuit": ar_cuit})
b.STDNUM.update({"ec_ci": "ec.ci", "nz_ird": "nz.ird", "ee_ik": "ee.ik", "lt_asmens": "lt.asmens", "bg_egn": "bg.egn",
                 "is_kt": "is_.kennitala", "gb_nhs": "gb.nhs", "at_vnr": "at.vnr",
                 "ar_cuit": "ar.cuit"})
b.IBAN_LEN.update({"AE": 23, "BG": 22, "LT": 20, "IS": 26, "SI": 19, "QA": 29, "LV": 21})

# an extension written after the number is part of the PHONE_NUMBER span; it is cut off
# before the number is handed to libphonenumber
EXTENSION = re.compile(r"\s*(?:ext\.?|x|Durchwahl|DW|poste|interno|wew\.|anexo|ramal|toestel|"
                       r"lok\.|内線)\s*\d+$")


# ----------------------------------------------------------------- build

def build():
    """v3's build, with v4's prefix, output, schemes and extension words."""
    return v3.build(b, "rv4", OUT, EXTENSION)


def split_counts(data):
    dev = [r for r in data if int(r["id"][4:]) % 2 == 1]
    test = [r for r in data if int(r["id"][4:]) % 2 == 0]
    return [(name, len(part), sum(len(r["spans"]) for r in part),
             sum(1 for r in part if not r["spans"])) for name, part in (("dev", dev), ("test", test))]


def main():
    data = build()
    types, genres, countries, lengths, empty = b.counts(data)
    if "--markdown" in sys.argv:
        b.markdown_counts(data)
        print()
        print("| half | texts | spans | no-PII texts |\n| --- | ---: | ---: | ---: |")
        for name, n, s, e in split_counts(data):
            print(f"| {name} | {n} | {s} | {e} |")
        return
    print(f"records {len(data)}; spans {sum(types.values())}; no-PII records {empty} "
          f"({100 * empty / len(data):.1f}%)")
    print(f"lengths {min(lengths)}-{max(lengths)}, median {statistics.median(lengths)}")
    print("per type:    " + " · ".join(f"{t} {c}" for t, c in types.most_common()))
    print("per genre:   " + " · ".join(f"{g} {c}" for g, c in genres.most_common()))
    real = {c: k for c, k in countries.items() if c != "XX"}
    print(f"countries:   {len(real)} (+ XX {countries.get('XX', 0)})")
    print("per country: " + " · ".join(f"{c} {k}" for c, k in countries.most_common()))
    for name, n, s, e in split_counts(data):
        print(f"{name}: {n} texts, {s} spans, {e} without PII")


if __name__ == "__main__":
    main()
