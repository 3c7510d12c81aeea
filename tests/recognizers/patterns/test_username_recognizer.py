"""UsernameRecognizer: handles next to an @, a label, a login phrase or as transcript speakers;
not e-mail addresses, team or bot handles, code, config keys or numeric ids."""

from __future__ import annotations

import pytest

from recognizers.patterns.username_recognizer import UsernameRecognizer

RECOGNIZER = UsernameRecognizer()


def found(text: str) -> list[str]:
    return [text[r.start : r.end] for r in RECOGNIZER.analyze(text, ["USERNAME"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # mentions                                    and their near misses
        ("ping @maya_k when ready", ["@maya_k"]),
        ("my IG is @sourdough_by_bea", ["@sourdough_by_bea"]),
        ("email maya@example.com", []),  # e-mail, not a handle
        ("cc @support and @here", []),  # a function, not a person
        ("@deploy-bot ran the job", []),
        ("@dataclass\nclass Order:", []),  # code
        ('@app.route("/x")', []),
        ("npm i @types/node", []),
        ("meet @10am", []),
        ("write to @gmail.com", []),
        # labels
        ("user=j.okafor action=login", ["j.okafor"]),
        ("login: dkowalski", ["dkowalski"]),
        ('username "tomasz.w"', ["tomasz.w"]),
        ("username mkhumalo", ["mkhumalo"]),
        ("user r.okonkwo_finance was locked", ["r.okonkwo_finance"]),
        ("login: dkowalski, ip=10.0.0.4", ["dkowalski"]),
        ("login: dkowalski from 10.0.0.4", ["dkowalski"]),
        ("account: suspended", []),
        ("innlogging sigrid.aasen77 i kundeportalen", ["sigrid.aasen77"]),
        ('{"actor":"svc_hjohansson","action":"role.grant"}', ["svc_hjohansson"]),
        ("User: why does this not work", []),
        ("User: cool, and is there more", []),
        ("Instagram: lenas.kitchen.diary", ["lenas.kitchen.diary"]),
        ("Benutzername: kmueller84", ["kmueller84"]),
        ("User: Can you help me?", []),  # a chat role
        ("user reports an error", []),
        ("login page is down", []),
        ("login: failed", []),
        ("user=root", []),
        ("user_id=48213 uid=1000", []),  # numeric ids
        ("github: https://github.com/x", []),
        ("audit: owner=t.nakamura deleted bucket", ["t.nakamura"]),
        ("admin=okwame42 exported users_table=1", ["okwame42"]),
        ("admin=true owner=team by=system", []),  # flags and functions
        ("sort_by=name order_by=desc", []),  # field names, not people
        # login phrases and targets
        ("logged in as dkowalski from 10.0.0.4", ["dkowalski"]),
        ("ssh -i key.pem dkowalski@10.0.0.4", ["dkowalski"]),
        ("logged in as admin", []),
        ("ssh ubuntu@10.0.0.4", []),
        ("sshd[22817]: Failed password for invalid user jsmithers from 203.0.113.88", ["jsmithers"]),
        ("sshd[22819]: Accepted publickey for hpatel from 198.51.100.14", ["hpatel"]),
        ("Your account xX_NightHawk_Xx was traded", ["xX_NightHawk_Xx"]),
        ("your account re-activation and follow-up", []),
        ("postgres://report_ro:Tr0ub4dor&3@db:5432/x", ["report_ro"]),
        ("10.1.2.3 - lmorales [15/Jun/2024:09:12:44 +0000] \"GET / HTTP/1.1\"", ["lmorales"]),
        ("pw Tr0ub4dor&3xK!@db-prod-7.internal:5432", []),
        # the user a log line names right before an IP address
        ("user hvoronina from IP 198.51.100.7 was blocked", ["hvoronina"]),
        ("quota hit for lpetrakis (192.0.2.55)", ["lpetrakis"]),
        ("sign-in attempt to ruizcarmela on 203.0.113.9", ["ruizcarmela"]),
        ("traffic for staging from 10.0.0.4", []),  # a word of the log
        ("blocked requests for today from 10.0.0.4", []),
        ("build 1.2.3.4 for Windows", []),  # a version, not an address
        ("ping for Chrome at 10.0.0.9", []),  # capitalized: a product or a name
        # the answer to a question about the username
        ("Agent: what's your login name?\nCaller: okpara.ife", ["okpara.ife"]),
        ("Which handle do you use?\nsvenja_h", ["svenja_h"]),
        ("What's the username?\nCustomer: sorry", []),
        ("What's the username?\nCustomer: Martina", []),  # a name is PERSON's
        ("What's the order number?\nCustomer: kx2281", []),  # not asked for a username
        # transcript speakers
        ("<maya_k> hi\n<j_ok> hey", ["maya_k", "j_ok"]),
        ("[10:42] maya_k: hi there\n[10:44] Tom: hello", ["maya_k"]),
        ("maya_k: hi\nj.okafor: hello", ["maya_k", "j.okafor"]),
        ("maya_k: hi", []),  # one line is no transcript
        ("[10:42] dkowalski: can't log in\n[10:43] support: try again", ["dkowalski"]),
        ("10:42:11 eth0: link up", []),  # one timed line is a log
        ("order_id: 42\ncreated_at: 2024-01-01", []),  # config keys
        ("v1.2: fixed\nv1.3: added", []),
        ("Note: call back", []),
        ("<br> text <p> more", []),
        ("<PERSON> said hi", []),
        ("[user] kuba_gd: hi\n[agent] Ola: hello\n[user] kuba_gd: thx", ["kuba_gd", "kuba_gd"]),
        ("SMTP_USER_X: a\nSMTP_PASS: b\nFROM_ADDR: c", []),
        ("2026-03-02 09:14 <quillon_v> anyone up?", ["quillon_v"]),
        ("[2026-03-02 09:14] <tnguyen> brb", ["tnguyen"]),
        ("2026-03-02 09:14 <BR> text", []),
        ("**gorseblossom** — 11:05\nsee you\n**ikaro_t** — Today at 3 PM", ["gorseblossom", "ikaro_t"]),
        ("**Note** — 10:00 read this", []),  # bold prose, not a speaker
        ("**important** - 3 items left", []),  # no time after the dash
    ],
)
def test_usernames(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "handle"), [
    ("Müşteri (ayse.kaya84): Merhaba, kargom nerede?", "ayse.kaya84"),
    ("[10:02] Kunde (j_weber): hallo", "j_weber"),
    ("Il deploy l'ha fatto l'utente marco.bianchi ieri.", "marco.bianchi"),
])
def test_handles_after_a_speaker_or_an_italian_label(text: str, handle: str) -> None:
    results = UsernameRecognizer().analyze(text, ["USERNAME"])

    assert [text[r.start:r.end] for r in results] == [handle]


@pytest.mark.parametrize("text", [
    "Agent (Support): how can I help?",
    "Cliente (Maria): hola",
])
def test_a_team_or_a_name_in_brackets_is_no_handle(text: str) -> None:
    assert UsernameRecognizer().analyze(text, ["USERNAME"]) == []


@pytest.mark.parametrize(("text", "handles"), [
    ("[오후 2:14] 고객 mingyu_0417: 배송지 변경\n[오후 2:15] 상담원 이수진: 네", ["mingyu_0417"]),
    ("lucas_mtp : bonjour\nConseillère Inès : Bonjour !\nlucas_mtp : merci", ["lucas_mtp",
                                                                            "lucas_mtp"]),
    ("[2024-05-20 14:03:11] ERROR OrderService - 用户 wanglei_88 下单失败", ["wanglei_88"]),
    ("Agent Rahul: hello", []),            # a name after a role is PERSON's
    ("Note order_id: 42", []),             # a field name, not a handle
])
def test_speakers_after_a_role_word_and_cjk_user_labels(text: str, handles: list[str]) -> None:
    results = UsernameRecognizer().analyze(text, ["USERNAME"])

    assert [text[r.start:r.end] for r in results] == handles


@pytest.mark.parametrize(("text", "handles"), [
    ('"GET /api/v2/users/lena_schroeder/avatar.png HTTP/1.1" 200 1834', ["lena_schroeder"]),
    ("see https://forum.example.com/u/maya_k/summary", ["maya_k"]),
    ("home page at /~jdoe/ is down", ["jdoe"]),
    ("kiwi_b: steamcommunity.com/id/kiwibandit_92 add me", ["kiwibandit_92"]),
    ("GET /users/me HTTP/1.1", []),                 # a route
    ("GET /users/8f3a9c21e0aa/ 200", []),           # a record id
    ("PATCH /api/users/12345", []),
])
def test_a_user_named_in_a_path(text: str, handles: list[str]) -> None:
    results = UsernameRecognizer().analyze(text, ["USERNAME"])

    assert [text[r.start:r.end] for r in results] == handles


@pytest.mark.parametrize(("text", "handles"), [
    ("we noticed a login to rhaenel from 203.10.201.188. Verify now", ["rhaenel"]),
    ("WARN rate-limit exceeded for anisaiten (8bea:7aa4:3689:cb5c:44f9:5220:1:2)", ["anisaiten"]),
    ("January 11 09 PM <james29> morning all\nJanuary 11 09 PM <ariana54> ok", ["james29",
                                                                               "ariana54"]),
    ("06/02/2025 07:28 PM <gjohansson> morning all", ["gjohansson"]),
    ("Usage: run <file> now", []),                  # no date before it
])
def test_users_before_an_ip_at_a_sentence_end_or_v6_and_irc_lines_after_a_date(
        text: str, handles: list[str]) -> None:
    results = UsernameRecognizer().analyze(text, ["USERNAME"])

    assert [text[r.start:r.end] for r in results] == handles
