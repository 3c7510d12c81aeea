#!/usr/bin/env python3
"""Build realistic_v3.json from the hand-written, inline-marked texts in source/.

The mark syntax, the check-digit filling and the span checks are those of
../realistic_v2/build.py, which is imported (not copied) so that both sets are built by the
same rules:

    [[TYPE:value]]            a labeled span
    [[TYPE~scheme:value]]     a labeled span whose value holds check-digit placeholders:
                              '?' = one digit, '*' = one letter A-Z, '^' = one digit or letter;
                              the builder fills them with the only characters that validate.

Differences from v2's builder:
  * ids are rv3-0001 ...;
  * a few schemes are added: HU TAJ, GB NHS number, AR CUIT and CBU, AT SVNR;
  * the phone check (libphonenumber, region = the text's country, XX -> US) and the
    python-stdnum second opinion are always run when the packages are importable, and any
    failure stops the build (v2 only printed them with --strict).

    python build.py             # build, check and print counts
    python build.py --markdown  # print the count tables used in README.md
"""
from __future__ import annotations

import collections
import importlib
import importlib.util
import json
import re
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "realistic_v3.json"
V2_BUILD = HERE.parent / "realistic_v2" / "build.py"

sys.dont_write_bytecode = True  # leave no __pycache__ in realistic_v2/
_spec = importlib.util.spec_from_file_location("rv2_build", V2_BUILD)
b = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(b)
b.HERE = HERE          # load_records() reads source/ under b.HERE
b.OUT = OUT

TYPES = b.TYPES


# ----------------------------------------------------------------- extra schemes

def hu_taj(s: str) -> bool:
    """Hungarian TAJ (social-insurance) number: 9 digits, weights 3,7,3,7... mod 10."""
    d = b._digits(s)
    return len(d) == 9 and sum(int(c) * (3 if i % 2 == 0 else 7) for i, c in enumerate(d[:8])) % 10 == int(d[8])


def gb_nhs(s: str) -> bool:
    """UK NHS number: 10 digits, mod 11 with weights 10..2 (check 10 is invalid)."""
    d = b._digits(s)
    if len(d) != 10:
        return False
    r = 11 - b._weighted(d[:9], [10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11
    r = 0 if r == 11 else r
    return r != 10 and r == int(d[9])


def ar_cuit(s: str) -> bool:
    """Argentine CUIT/CUIL: 11 digits, mod 11 with weights 5,4,3,2,7,6,5,4,3,2."""
    d = b._digits(s)
    if len(d) != 11:
        return False
    r = b._weighted(d[:10], [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11
    return "012345678990"[11 - r] == d[10]


def _cbu_check(part: str) -> str:
    w = (3, 1, 7, 9)
    return str((10 - sum(int(c) * w[i % 4] for i, c in enumerate(reversed(part)))) % 10)


def ar_cbu(s: str) -> bool:
    """Argentine CBU: 22 digits, two blocks each ending in a check digit."""
    d = b._digits(s)
    return len(d) == 22 and d[7] == _cbu_check(d[:7]) and d[21] == _cbu_check(d[8:21])


def at_vnr(s: str) -> bool:
    """Austrian social-insurance number (SVNR): 3 serial digits, check digit, DDMMYY."""
    d = b._digits(s)
    if len(d) != 10 or d[0] == "0":
        return False
    r = b._weighted(d, [3, 7, 9, 0, 5, 8, 4, 2, 1, 6]) % 11
    return r < 10 and r == int(d[3])


b.SCHEMES.update({"hu_taj": hu_taj, "gb_nhs": gb_nhs, "ar_cuit": ar_cuit, "ar_cbu": ar_cbu,
                  "at_vnr": at_vnr})
b.STDNUM.update({"gb_nhs": "gb.nhs", "ar_cuit": "ar.cuit", "ar_cbu": "ar.cbu", "at_vnr": "at.vnr"})


# ----------------------------------------------------------------- build

# an extension written as "ext. 214" / "Durchwahl" is part of a PHONE_NUMBER span; it is cut off
# before the number is handed to libphonenumber
EXTENSION = re.compile(r"\s*(?:ext\.?|x|Durchwahl|poste|interno|wew\.)\s*\d+$")


def build(builder=b, prefix="rv3", out=OUT, extension=EXTENSION):
    """Parse, check and write the set; ``builder`` (v2's module, its ``HERE`` pointing at the
    set's folder), ``prefix``, ``out`` and ``extension`` let a later set (v4) build the same way."""
    recs = builder.load_records()
    if not recs:
        raise SystemExit("no records found under source/")
    data = []
    for n, (where, rec) in enumerate(recs, 1):
        if len(rec) != 3:
            raise SystemExit(f"{where}: expected (genre, country, marked_text)")
        genre, country, marked = rec
        if not re.fullmatch(r"[a-z_]+", genre):
            raise SystemExit(f"{where}: bad genre {genre!r}")
        if not (country == "XX" or re.fullmatch(r"[A-Z]{2}", country)):
            raise SystemExit(f"{where}: bad country {country!r}")
        text, spans = builder.parse(marked, where)
        if not 90 <= len(text) <= 900:
            raise SystemExit(f"{where}: length {len(text)} outside 90..900")
        last_end = -1
        for sp in spans:
            if text[sp["start_position"]:sp["end_position"]] != sp["entity_value"]:
                raise SystemExit(f"{where}: value/offset mismatch {sp['entity_value']!r}")
            if sp["entity_type"] not in builder.TYPES:
                raise SystemExit(f"{where}: unknown type {sp['entity_type']}")
            if sp["start_position"] < last_end:
                raise SystemExit(f"{where}: overlapping spans")
            last_end = sp["end_position"]
        data.append({"id": f"{prefix}-{n:04d}", "genre": genre, "country": country, "full_text": text,
                     "spans": spans, "_where": where})
    problems = checks(data, builder, extension)
    if problems:
        print("\n".join(problems))
        raise SystemExit(f"{len(problems)} validation problem(s); nothing written")
    for r in data:
        del r["_where"]
        for sp in r["spans"]:
            del sp["_scheme"]
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return data


def checks(data, builder=b, extension=EXTENSION):
    """Second opinions: python-stdnum for check-digit ids and US SSNs, libphonenumber for
    phones. Returns a list of problems (empty when all pass)."""
    problems = []
    try:
        importlib.import_module("stdnum")
        from stdnum.us import ssn
        for r in data:
            for sp in r["spans"]:
                sch = sp["_scheme"]
                val = sp["entity_value"]
                if sch and sch in builder.STDNUM:
                    try:
                        mod = importlib.import_module("stdnum." + builder.STDNUM[sch])
                    except ImportError:
                        continue
                    v = builder._digits(val) if builder.STDNUM[sch] == "luhn" else val
                    if not mod.is_valid(v):
                        problems.append(
                            f"{r['_where']}: stdnum {builder.STDNUM[sch]} rejects {val!r}")
                if sp["entity_type"] == "US_SSN" and not ssn.is_valid(val):
                    problems.append(f"{r['_where']}: stdnum us.ssn rejects {val!r}")
    except ImportError:
        print("(python-stdnum not importable: id second opinion skipped)")
    try:
        import phonenumbers
        for r in data:
            region = "US" if r["country"] == "XX" else r["country"]
            for sp in r["spans"]:
                if sp["entity_type"] != "PHONE_NUMBER":
                    continue
                val = sp["entity_value"]
                core = extension.split(val)[0]
                try:
                    ok = phonenumbers.is_valid_number(phonenumbers.parse(core, region))
                except phonenumbers.NumberParseException:
                    ok = False
                if not ok:
                    problems.append(f"{r['_where']}: phone {val!r} invalid for {region}")
    except ImportError:
        print("(phonenumbers not importable: phone check skipped)")
    return problems


def main():
    data = build()
    types, genres, countries, lengths, empty = b.counts(data)
    if "--markdown" in sys.argv:
        b.markdown_counts(data)
        return
    print(f"records {len(data)}; spans {sum(types.values())}; no-PII records {empty} "
          f"({100 * empty / len(data):.1f}%)")
    print(f"lengths {min(lengths)}-{max(lengths)}, median {statistics.median(lengths)}")
    print("per type:    " + " · ".join(f"{t} {c}" for t, c in types.most_common()))
    print("per genre:   " + " · ".join(f"{g} {c}" for g, c in genres.most_common()))
    real = {c: k for c, k in countries.items() if c != "XX"}
    print(f"countries:   {len(real)} (+ XX {countries.get('XX', 0)})")
    print("per country: " + " · ".join(f"{c} {k}" for c, k in countries.most_common()))


if __name__ == "__main__":
    main()
