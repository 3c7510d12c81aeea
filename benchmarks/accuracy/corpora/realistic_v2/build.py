#!/usr/bin/env python3
"""Build realistic_v2.json from the hand-written, inline-marked texts in source/.

Mark syntax inside the texts:
    [[TYPE:value]]            a labeled span
    [[TYPE~scheme:value]]     a labeled span whose value holds check-digit placeholders:
                              '?' = one digit, '*' = one letter A-Z, '^' = one digit or
                              letter (check characters like 'X' or 'K'); the builder fills them
                              with the only characters that make `scheme` validate.
CREDIT_CARD defaults to scheme 'luhn' and IBAN_CODE to 'iban' when the value holds '?'.

Offsets are computed here (code points, end exclusive); none are typed by hand.

    python build.py            # build and print counts
    python build.py --strict   # also re-check ids with python-stdnum and phones with
                               # phonenumbers when those packages are importable
    python build.py --markdown # print the count tables used in README.md
"""
from __future__ import annotations

import collections
import importlib
import ipaddress
import itertools
import json
import re
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "realistic_v2.json"

TYPES = [
    "PERSON", "STREET_ADDRESS", "ZIP_CODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD",
    "IBAN_CODE", "US_SSN", "IP_ADDRESS", "US_DRIVER_LICENSE", "PASSPORT", "NATIONAL_ID",
    "ACCOUNT_NUMBER", "DATE_OF_BIRTH", "SECRET", "USERNAME", "URL_PERSONAL",
]

# IPs must be private or from the documentation ranges (RFC 5737, RFC 3849)
FICTIONAL_NETS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"]

MARK = re.compile(r"\[\[([A-Z_]+)(?:~([a-z0-9_]+))?:(.*?)\]\]", re.S)

# --------------------------------------------------------------------------- check digits

def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _alnum(s: str) -> str:
    return "".join(c for c in s if c.isalnum()).upper()


def luhn(s: str) -> bool:
    d = [int(c) for c in _digits(s)]
    if len(d) < 2:
        return False
    total = 0
    for i, x in enumerate(reversed(d)):
        if i % 2:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return total % 10 == 0


def _mod97(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s)) % 97


IBAN_LEN = {
    "AT": 20, "BE": 16, "BR": 29, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EG": 29,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HU": 28, "IE": 22, "IL": 23, "IT": 27,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SA": 24, "SE": 24, "TR": 26, "UA": 29,
    "LU": 20, "HR": 21, "SK": 24, "MT": 31, "EE": 20,
}

# odd-position table shared by the Italian codice fiscale and the IBAN CIN
_IT_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def _it_val(c: str, odd: bool) -> int:
    idx = int(c) if c.isdigit() else ord(c) - 65
    return _IT_ODD[idx] if odd else idx


def _it_check_char(body: str) -> str:
    total = sum(_it_val(c, (i % 2) == 0) for i, c in enumerate(body))
    return chr(65 + total % 26)


def _es_dc(ten: str) -> int:
    w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
    r = 11 - sum(int(a) * b for a, b in zip(ten, w)) % 11
    return {11: 0, 10: 1}.get(r, r)


def iban(s: str) -> bool:
    v = _alnum(s)
    cc = v[:2]
    if IBAN_LEN.get(cc) != len(v) or _mod97(v[4:] + v[:4]) != 1:
        return False
    bban = v[4:]
    if cc == "BE":
        r = int(bban[:10]) % 97 or 97
        return r == int(bban[10:])
    if cc == "ES":
        return (_es_dc("00" + bban[:8]) == int(bban[8]) and _es_dc(bban[10:]) == int(bban[9]))
    if cc == "FR":
        bank, branch, acct, key = bban[:5], bban[5:10], bban[10:21], bban[21:]
        if not (bank + branch + acct + key).isdigit():
            return False
        return 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97 == int(key)
    if cc == "IT":
        return _it_check_char(bban[1:]) == bban[0]
    if cc == "NO":
        w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        r = 11 - sum(int(a) * b for a, b in zip(bban[:10], w)) % 11
        return r != 10 and (0 if r == 11 else r) == int(bban[10])
    if cc == "PT":
        return 98 - (int(bban[:19]) * 100) % 97 == int(bban[19:])
    return True


def fi_hetu(s: str) -> bool:
    v = s.strip().upper()
    m = re.fullmatch(r"(\d{6})[-+AYXWVUBCDEF](\d{3})([0-9A-Y])", v)
    return bool(m) and "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(m[1] + m[2]) % 31] == m[3]


def es_dni(s: str) -> bool:
    v = _alnum(s)
    v = {"X": "0", "Y": "1", "Z": "2"}.get(v[0], v[0]) + v[1:]
    return len(v) == 9 and v[:8].isdigit() and "TRWAGMYFPDXBNJZSQVHLCKE"[int(v[:8]) % 23] == v[8]


def nl_bsn(s: str) -> bool:
    d = [int(c) for c in _digits(s)]
    return len(d) == 9 and (sum(x * (9 - i) for i, x in enumerate(d[:8])) - d[8]) % 11 == 0


def _weighted(d, w):
    return sum(int(a) * b for a, b in zip(d, w))


def pl_pesel(s: str) -> bool:
    d = _digits(s)
    return len(d) == 11 and _weighted(d, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3, 1]) % 10 == 0


def no_fnr(s: str) -> bool:
    d = _digits(s)
    return (len(d) == 11 and _weighted(d, [3, 7, 6, 1, 8, 9, 4, 5, 2, 1]) % 11 == 0
            and _weighted(d, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0)


def dk_cpr(s: str) -> bool:
    d = _digits(s)
    return len(d) == 10 and _weighted(d, [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0


def be_nn(s: str) -> bool:
    """Belgian national number of someone born before 2000."""
    d = _digits(s)
    return len(d) == 11 and 97 - int(d[:9]) % 97 == int(d[9:])


def be_nn2k(s: str) -> bool:
    """Belgian national number of someone born in 2000 or later."""
    d = _digits(s)
    return len(d) == 11 and 97 - int("2" + d[:9]) % 97 == int(d[9:])


def it_cf(s: str) -> bool:
    v = _alnum(s)
    return len(v) == 16 and _it_check_char(v[:15]) == v[15]


def fr_nir(s: str) -> bool:
    d = _digits(s)
    return len(d) == 15 and 97 - int(d[:13]) % 97 == int(d[13:])


def pt_nif(s: str) -> bool:
    d = _digits(s)
    if len(d) != 9:
        return False
    r = 11 - _weighted(d, [9, 8, 7, 6, 5, 4, 3, 2]) % 11
    return (0 if r >= 10 else r) == int(d[8])


def ean13(s: str) -> bool:
    d = _digits(s)
    return len(d) == 13 and sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(d)) % 10 == 0


_VD = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
       [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
       [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
       [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_VP = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]]
for _i in range(2, 8):
    _VP.append([_VP[_i - 1][_VP[1][k]] for k in range(10)])


def verhoeff(s: str) -> bool:
    c = 0
    for i, x in enumerate(reversed(_digits(s))):
        c = _VD[c][_VP[i % 8][int(x)]]
    return c == 0


def in_aadhaar(s: str) -> bool:
    d = _digits(s)
    return len(d) == 12 and d[0] not in "01" and verhoeff(d)


def br_cpf(s: str) -> bool:
    d = [int(c) for c in _digits(s)]
    if len(d) != 11 or len(set(d)) == 1:
        return False
    for n in (9, 10):
        r = sum(x * (n + 1 - i) for i, x in enumerate(d[:n])) * 10 % 11 % 10
        if r != d[n]:
            return False
    return True


def tr_tckn(s: str) -> bool:
    d = [int(c) for c in _digits(s)]
    if len(d) != 11 or d[0] == 0:
        return False
    return ((sum(d[0:9:2]) * 7 - sum(d[1:8:2])) % 10 == d[9] and sum(d[:10]) % 10 == d[10])


def mx_curp(s: str) -> bool:
    v = _alnum(s)
    alpha = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"
    if len(v) != 18:
        return False
    total = sum(alpha.index(c) * (18 - i) for i, c in enumerate(v[:17]))
    return str((10 - total % 10) % 10) == v[17]


def kr_rrn(s: str) -> bool:
    d = _digits(s)
    return len(d) == 13 and (11 - _weighted(d, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]) % 11) % 10 == int(d[12])


def cn_ric(s: str) -> bool:
    v = _alnum(s)
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return len(v) == 18 and v[:17].isdigit() and "10X98765432"[_weighted(v[:17], w) % 11] == v[17]


def ie_pps(s: str) -> bool:
    v = _alnum(s)
    m = re.fullmatch(r"(\d{7})([A-W])([A-IW]?)", v)
    if not m:
        return False
    total = _weighted(m[1], [8, 7, 6, 5, 4, 3, 2])
    if m[3] and m[3] != "W":
        total += 9 * (ord(m[3]) - 64)
    return "WABCDEFGHIJKLMNOPQRSTUV"[total % 23] == m[2]


def au_tfn(s: str) -> bool:
    d = _digits(s)
    return len(d) == 9 and _weighted(d, [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 == 0


def jp_mynumber(s: str) -> bool:
    d = _digits(s)
    if len(d) != 12:
        return False
    r = _weighted(d[:11], [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11
    return (0 if r <= 1 else 11 - r) == int(d[11])


def _mod11_10(d: str) -> bool:
    p = 10
    for c in d[:-1]:
        s = (int(c) + p) % 10 or 10
        p = s * 2 % 11
    return (11 - p) % 10 == int(d[-1])


def de_idnr(s: str) -> bool:
    d = _digits(s)
    if len(d) != 11 or d[0] == "0":
        return False
    counts = sorted(collections.Counter(d[:10]).values())
    if counts[-1] not in (2, 3) or counts.count(counts[-1]) != 1:
        return False
    return _mod11_10(d)


def hr_oib(s: str) -> bool:
    d = _digits(s)
    return len(d) == 11 and _mod11_10(d)


def cz_rc(s: str) -> bool:
    d = _digits(s)
    if len(d) != 10:
        return False
    return int(d) % 11 == 0 or (int(d[:9]) % 11 == 10 and d[9] == "0")


def ua_rntrc(s: str) -> bool:
    d = _digits(s)
    return len(d) == 10 and _weighted(d, [-1, 5, 7, 9, 4, 6, 10, 5, 7]) % 11 % 10 == int(d[9])


def ro_cnp(s: str) -> bool:
    d = _digits(s)
    if len(d) != 13:
        return False
    r = _weighted(d, [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11
    return (1 if r == 10 else r) == int(d[12])


def se_pnr(s: str) -> bool:
    d = _digits(s)
    return len(d) in (10, 12) and luhn(d[-10:])


def cl_rut(s: str) -> bool:
    v = _alnum(s)
    body, chk = v[:-1], v[-1]
    if not body.isdigit():
        return False
    total = sum(int(c) * (2 + i % 6) for i, c in enumerate(reversed(body)))
    r = 11 - total % 11
    return {11: "0", 10: "K"}.get(r, str(r)) == chk


def gr_afm(s: str) -> bool:
    d = _digits(s)
    if len(d) != 9:
        return False
    acc = 0
    for c in d[:8]:
        acc = acc * 2 + int(c)
    return acc * 2 % 11 % 10 == int(d[8])


def mx_rfc(s: str) -> bool:
    """Mexican RFC of a person (13 characters), last one is the check character."""
    v = _alnum(s)
    alpha = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"
    if len(v) != 13:
        return False
    total = sum(alpha.index(c) * (13 - i) for i, c in enumerate(v[:12]))
    return alpha[(11 - total) % 11] == v[12]


def no_kontonr(s: str) -> bool:
    d = _digits(s)
    if len(d) != 11:
        return False
    r = 11 - _weighted(d, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11
    return r != 10 and (0 if r == 11 else r) == int(d[10])


def pl_dowod(s: str) -> bool:
    """Polish identity card: 3 letters + 6 digits, the first digit is the check digit."""
    v = _alnum(s)
    if not re.fullmatch(r"[A-Z]{3}\d{6}", v):
        return False
    vals = [int(c, 36) for c in v]
    w = [7, 3, 1, 0, 7, 3, 1, 7, 3]
    return sum(a * b for a, b in zip(vals, w)) % 10 == vals[3]


SCHEMES = {
    "luhn": luhn, "iban": iban, "fi_hetu": fi_hetu, "es_dni": es_dni, "nl_bsn": nl_bsn,
    "pl_pesel": pl_pesel, "no_fnr": no_fnr, "dk_cpr": dk_cpr, "be_nn": be_nn, "be_nn2k": be_nn2k, "it_cf": it_cf,
    "fr_nir": fr_nir, "pt_nif": pt_nif, "ch_ahv": ean13, "in_aadhaar": in_aadhaar, "br_cpf": br_cpf,
    "tr_tckn": tr_tckn, "mx_curp": mx_curp, "kr_rrn": kr_rrn, "cn_ric": cn_ric, "ie_pps": ie_pps,
    "au_tfn": au_tfn, "jp_mynumber": jp_mynumber, "de_idnr": de_idnr, "hr_oib": hr_oib,
    "cz_rc": cz_rc, "ua_rntrc": ua_rntrc, "ro_cnp": ro_cnp, "se_pnr": se_pnr,
    # Luhn-based national schemes, named for readability in the sources
    "cl_rut": cl_rut, "gr_afm": gr_afm, "pl_dowod": pl_dowod, "mx_nss": luhn,
    "mx_rfc": mx_rfc, "no_kontonr": no_kontonr,
    "za_id": luhn, "il_id": luhn, "gr_amka": luhn, "ca_sin": luhn, "sa_id": luhn,
}

# second opinion in --strict mode: scheme -> python-stdnum module
STDNUM = {
    "iban": "iban", "fi_hetu": "fi.hetu", "es_dni": "es.nif", "nl_bsn": "nl.bsn", "pl_pesel": "pl.pesel",
    "no_fnr": "no.fodselsnummer", "be_nn": "be.nn", "be_nn2k": "be.nn", "it_cf": "it.codicefiscale",
    "fr_nir": "fr.nir", "pt_nif": "pt.nif", "ch_ahv": "ch.ssn", "in_aadhaar": "in_.aadhaar",
    "br_cpf": "br.cpf", "tr_tckn": "tr.tckimlik", "mx_curp": "mx.curp", "kr_rrn": "kr.rrn",
    "cn_ric": "cn.ric", "ie_pps": "ie.pps", "au_tfn": "au.tfn", "jp_mynumber": "jp.in_",
    "de_idnr": "de.idnr", "hr_oib": "hr.oib", "cz_rc": "cz.rc", "ua_rntrc": "ua.rntrc",
    "ro_cnp": "ro.cnp", "se_pnr": "se.personnummer", "za_id": "za.idnr", "il_id": "il.idnr",
    "gr_amka": "gr.amka", "ca_sin": "ca.sin", "dk_cpr": "dk.cpr", "luhn": "luhn",
    "cl_rut": "cl.rut", "gr_afm": "gr.vat", "mx_rfc": "mx.rfc", "no_kontonr": "no.kontonr",
}


def fill(value: str, scheme: str, where: str) -> str:
    check = SCHEMES[scheme]
    slots = [i for i, c in enumerate(value) if c in "?*^"]
    if not slots:
        if not check(value):
            raise SystemExit(f"{where}: {value!r} fails {scheme}")
        return value
    classes = {"?": "0123456789", "*": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               "^": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    alphabets = [classes[value[i]] for i in slots]
    found = []
    for combo in itertools.product(*alphabets):
        chars = list(value)
        for i, c in zip(slots, combo):
            chars[i] = c
        cand = "".join(chars)
        if check(cand):
            found.append(cand)
            if len(found) > 1:
                break
    if len(found) != 1:
        raise SystemExit(f"{where}: {value!r} has {len(found)} fillings for {scheme}; change the digits")
    return found[0]

# --------------------------------------------------------------------------- build


def load_records():
    recs = []
    for path in sorted((HERE / "source").glob("part*.py"), key=lambda p: int(re.sub(r"\D", "", p.stem))):
        ns: dict = {}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), ns)
        for n, rec in enumerate(ns["RECORDS"], 1):
            recs.append((f"{path.name}#{n}", rec))
    return recs


def parse(marked: str, where: str):
    out, spans, pos = [], [], 0
    for m in MARK.finditer(marked):
        out.append(marked[pos:m.start()])
        etype, scheme, value = m[1], m[2], m[3]
        if etype not in TYPES:
            raise SystemExit(f"{where}: unknown type {etype}")
        if scheme is None and etype in ("CREDIT_CARD", "IBAN_CODE") and "?" in value:
            scheme = "luhn" if etype == "CREDIT_CARD" else "iban"
        if scheme is not None:
            value = fill(value, scheme, where)
        elif etype == "CREDIT_CARD" and not luhn(value):
            raise SystemExit(f"{where}: card {value!r} is not Luhn-valid")
        elif etype == "IBAN_CODE" and not iban(value):
            raise SystemExit(f"{where}: IBAN {value!r} has bad check digits")
        if etype == "IP_ADDRESS":
            ip = ipaddress.ip_address(value)
            if not (ip.is_private or any(ip in ipaddress.ip_network(n) for n in FICTIONAL_NETS)):
                raise SystemExit(f"{where}: IP {value} is neither private nor in a documentation range")
        if not value or value != value.strip():
            raise SystemExit(f"{where}: empty span or outer whitespace in {value!r}")
        start = sum(len(x) for x in out)
        out.append(value)
        spans.append({"entity_type": etype, "entity_value": value, "start_position": start,
                      "end_position": start + len(value), "_scheme": scheme})
        pos = m.end()
    out.append(marked[pos:])
    text = "".join(out)
    if "[[" in text or "]]" in text:
        raise SystemExit(f"{where}: stray mark brackets left in text")
    return text, spans


def build(strict: bool):
    recs = load_records()
    data = []
    for n, (where, rec) in enumerate(recs, 1):
        if len(rec) != 3:
            raise SystemExit(f"{where}: expected (genre, country, marked_text)")
        genre, country, marked = rec
        text, spans = parse(marked, where)
        if not 90 <= len(text) <= 900:
            raise SystemExit(f"{where}: length {len(text)} outside 90..900")
        if not (country == "XX" or re.fullmatch(r"[A-Z]{2}", country)):
            raise SystemExit(f"{where}: bad country {country!r}")
        last_end = -1
        for sp in spans:
            assert text[sp["start_position"]:sp["end_position"]] == sp["entity_value"], where
            assert sp["entity_type"] in TYPES, where
            if sp["start_position"] < last_end:
                raise SystemExit(f"{where}: overlapping spans")
            last_end = sp["end_position"]
        data.append({"id": f"rv2-{n:04d}", "genre": genre, "country": country, "full_text": text,
                     "spans": spans, "_where": where})
    if strict:
        strict_checks(data)
    for r in data:
        del r["_where"]
        for sp in r["spans"]:
            del sp["_scheme"]
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return data


def strict_checks(data):
    try:
        import stdnum  # noqa: F401
        for r in data:
            for sp in r["spans"]:
                sch = sp["_scheme"]
                if sch and sch in STDNUM:
                    mod = importlib.import_module("stdnum." + STDNUM[sch])
                    val = sp["entity_value"]
                    if STDNUM[sch] == "luhn":
                        val = _digits(val)
                    if not mod.is_valid(val):
                        print(f"STRICT {r['_where']}: stdnum {STDNUM[sch]} rejects {sp['entity_value']!r}")
        from stdnum.us import ssn
        for r in data:
            for sp in r["spans"]:
                if sp["entity_type"] == "US_SSN" and not ssn.is_valid(sp["entity_value"]):
                    print(f"STRICT {r['_where']}: stdnum us.ssn rejects {sp['entity_value']!r}")
    except ImportError:
        print("(python-stdnum not installed: id second opinion skipped)")
    try:
        import phonenumbers
        for r in data:
            region = "US" if r["country"] == "XX" else r["country"]
            for sp in r["spans"]:
                if sp["entity_type"] != "PHONE_NUMBER":
                    continue
                try:
                    num = phonenumbers.parse(sp["entity_value"], region)
                    ok = phonenumbers.is_valid_number(num)
                except phonenumbers.NumberParseException:
                    ok = False
                if not ok:
                    print(f"STRICT {r['_where']}: phone {sp['entity_value']!r} invalid for {region}")
    except ImportError:
        print("(phonenumbers not installed: phone check skipped)")


def counts(data):
    types = collections.Counter(sp["entity_type"] for r in data for sp in r["spans"])
    genres = collections.Counter(r["genre"] for r in data)
    countries = collections.Counter(r["country"] for r in data)
    lengths = [len(r["full_text"]) for r in data]
    empty = sum(1 for r in data if not r["spans"])
    return types, genres, countries, lengths, empty


def markdown_counts(data):
    types, genres, countries, lengths, empty = counts(data)
    print("| type | spans |\n| --- | ---: |")
    for t in TYPES:
        print(f"| {t} | {types.get(t, 0)} |")
    print(f"| **total** | **{sum(types.values())}** |\n")
    print("| genre | texts |\n| --- | ---: |")
    for g, c in genres.most_common():
        print(f"| {g} | {c} |")
    print()
    print(" · ".join(f"{c} {k}" for c, k in sorted(countries.items(), key=lambda x: (-x[1], x[0]))))


def main():
    data = build("--strict" in sys.argv)
    if "--markdown" in sys.argv:
        markdown_counts(data)
        return
    types, genres, countries, lengths, empty = counts(data)
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
