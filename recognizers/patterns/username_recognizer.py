"""User names and handles: ``@maya_k``, ``user=j.okafor``, ``login: dkowalski``, ``username
"tomasz.w"``, ``Instagram: lenas.kitchen``, ``logged in as dkowalski``, ``ssh dkowalski@10.0.0.4``,
and the speakers of chat transcripts (``<maya_k> hi``, ``[10:42] maya_k: hi``).

A handle names one person as surely as their name does, and neither NER nor the e-mail pattern
sees it. It is found only next to something that says it is one: an ``@``, a label, a login
phrase or a transcript's speaker position. What is not reported, and why:

- e-mail addresses (the e-mail recognizer's; a handle never runs into ``@domain``);
- team, role and bot handles (``@support``, ``@here``, ``@oncall``, ``@deploy-bot``, ``user=root``):
  they name a function, not a person;
- code: decorators and annotations (``@dataclass``, ``@Override(...)``), CSS at-rules, scoped
  packages (``@types/node``), and ``key: value`` lines of logs and configs (``order_id: 42``,
  ``created_at: ...``): a speaker needs a handle's shape, no field-name part, and a transcript
  around it (a timestamp, or another speaker line);
- numeric ids (``uid=1000``, ``user_id=48213``): a handle has letters.
"""

from __future__ import annotations

import re
from typing import ClassVar

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import RegexRecognizer, finditer_bounded
from recognizers.prefilter import AnyGate, Gate, WordGate

# A handle: letters, digits, ``_ . -``, starting and ending with a letter, digit or ``_``.
_HANDLE = r"[A-Za-z0-9_](?:[\w.-]{0,38}[A-Za-z0-9_])?"
# Nothing of a handle, an e-mail domain or a path continues after it.
_END = r"(?![\w@/-]|\.\w|:/)"
# Labels that say "user name" outright, and weaker ones (``user``, ``login``, a platform) whose
# value must look like a handle unless a colon, ``=`` or quotes set it off.
_STRONG_LABEL = (
    r"(?i:user[ _-]?name|login[ _-]?name|screen[ _-]?name|account[ _-]?name|gamertag|"
    r"benutzer(?:name)?|nom[ _]d['’]utilisateur|identifiant|usuario|nombre[ _]de[ _]usuario|"
    r"nazwa[ _]u[żz]ytkownika|gebruikersnaam|brukernavn|brugernavn|anv[äa]ndarnamn|"
    r"k[äa]ytt[äa]j[äa]tunnus|nome[ _]utente|nome[ _]de[ _]usu[áa]rio|kullan[ıi]c[ıi][ _]ad[ıi]|"
    r"handle)"
)
_WEAK_LABEL = (
    r"(?i:(?P<role>user|account|profile|player|gamer|actor|assignee|reporter)|"
    r"user[ _-]?id|login(?:[ _-]?id)?|log-?in|nick(?:name)?|uid|utente|utilisateur|"
    r"用户|用戶|ユーザー|사용자|"
    # the user of an audit or log record, and "login" in other languages
    r"(?:created|updated|modified|performed|requested|approved)[ _-]by|"
    r"anmeldung|innlogging|inloggning|kirjautuminen|connexion|inicio[ _]de[ _]sesi[óo]n|"
    r"(?:instagram|insta|ig|twitter|tiktok|telegram|discord|skype|github|gitlab|reddit|"
    r"snapchat|mastodon|bluesky|threads|steam|psn|xbox|twitch)(?:[ _-]?(?:handle|user|name|id|account))?)"
)
_AS = (
    r"(?i:log(?:ged)?[ -]?in[ \t]+as|sign(?:ed)?[ -]?in[ \t]+as|authenticated[ \t]+as|"
    r"connected[ \t]+as|sudo[ \t]+-u|su[ \t]+-l?|runas[ \t]+/user:)"
)
# A line's time, with the date many IRC and chat exports put before it (``2024-06-08 10:01``).
_TIME = (
    r"(?:(?:[\[(]?\d{4}-\d{2}-\d{2}[ \tT])?"
    r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[AaPp][Mm])?[\])]?[ \t]+)"
)
_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}(?!\d|\.\d)"
# An IPv6 address in a log line ("from 8e15:f48a:4183:ee43:...", "(2001:db8::7)").
_IPV6 = r"[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}(?![\w:])"
# A speaker's role or channel tag before the handle: ``[user] kuba_gd: thx``.
_TAG = r"(?:\[[^\]\n]{1,20}\][ \t]+)"
# Any date and time before a chat line, as logs write them ("January 11 09 PM", "06/02/2025
# 07:28 PM", "Jul 13, 2027 03 PM"): a digit in at most 32 characters without brackets.
_DATE_PREFIX = r"(?:[^<>\n]{0,24}\d[^<>\n]{0,12}?[ \t]+)"

# Names of a function or a default account, not of a person.
GENERIC = frozenset(
    "all admin admins administrator anonymous anyone api app billing bot bots channel dev devops "
    "devs engineering everyone finance guest help helpdesk here hr infra it legal mail marketing "
    "me mod mods moderator moderators nobody noreply no-reply null none oncall on-call ops owner "
    "postgres press product qa root sales security service staff support sysadmin system team "
    "test tester ubuntu unknown user users webmaster www-data you deploy jenkins ci n/a na "
    "undefined true false ok yes no anon default ec2-user centos nginx apache mysql redis "
    "info contact hello office kernel systemd cron crond sshd dockerd containerd kubelet".split()
)
# Words right after ``user:`` or ``login`` that are prose, not a name (``login: failed``).
PROSE = frozenset(
    "a an the is was has had are and or to for of in on at by with from this that my your his her "
    "their our its hi hey hello thanks please can could would will i we they he she it failed "
    "success successful succeeded successfully denied attempt attempts page screen button form "
    "required optional disabled enabled locked blocked expired invalid ok error issue issues "
    "problem problems credentials details info name names account accounts agent agents id ids "
    "session sessions portal link email another different someone new same cool great nice sure "
    "yeah yep nope hmm okay awesome perfect what why how when where who does do did suspended "
    "active inactive closed deleted pending verified unverified banned".split()
)
# Words that stand where a user does in a log line or an answer, and are not one.
NOT_USERS = frozenset(
    "access traffic request requests connection connections login logins logon attempt attempts "
    "spam abuse scan scans probe probes staging production prod dev vpn ssh rdp sftp ftp http "
    "https api web server servers host hosts client clients packets data upload uploads download "
    "downloads everything everyone anything something nothing now today tonight tomorrow "
    "yesterday sorry idk dunno forgot unsure maybe same one sec wait".split()
)
# Parts of ``key:`` names in logs and configs; a speaker's handle holds none of them.
FIELD_WORDS = frozenset(
    "id ids at on key keys name no nr num number date time ts type code url uri status state "
    "count total email phone address ref order invoice ticket version level host port path file "
    "dir api env config mode size len length max min value values amount price qty sum avg "
    "error msg message log debug info warn warning created updated deleted timestamp uuid hash "
    "token secret password user username first last full item items list data step line row "
    "col field section part ipv4 ipv6 md5 sha1 sha256 utf8 base64 x86 x64 arm64 http https".split()
)
# The segments after ``/users/`` that are routes, not users.
URL_ROUTES = frozenset(
    "me self current new edit settings search list all login logout register signup sign_up "
    "profile avatar admin api id ids index show create update delete count export import "
    "password reset verify invite invites bulk batch lookup find".split()
)
# Decorators, annotations and CSS at-rules that look like a mention.
CODE_WORDS = frozenset(
    "property staticmethod classmethod dataclass abstractmethod override deprecated cached "
    "cache functools pytest fixture param mock patch app router route test before after "
    "component autowired inject injectable entity column table bean service controller "
    "media import font-face keyframes charset supports layer include mixin extend use forward "
    "param return returns throws since see link author version example inheritdoc "
    "interface implementation end synthesize property".split()
)
HTML_TAGS = frozenset(
    "html head body div span p a b i u s em strong br hr li ul ol dl dt dd table tr td th img "
    "script style code pre label input form button select option textarea section article "
    "header footer nav main aside small sup sub blockquote title meta link tbody thead center "
    "font iframe svg path tt kbd var cite abbr mark del ins".split()
)
# Top-level domains that make ``@gmail.com`` a domain, not a handle.
_DOMAIN_END = regex.compile(r"\.(?:com|net|org|io|co|de|uk|fr|nl|es|it|pl|edu|gov|info|biz|ai|app|dev)$",
                            regex.IGNORECASE)



class UsernameRecognizer(RegexRecognizer):
    """User names and handles next to an ``@``, a label or a login phrase, and chat speakers."""

    ENTITY = "USERNAME"
    PATTERNS = (
        # ``@maya_k``; not ``x@y`` (e-mail), not ``@Override(`` or ``@types/node`` (code).
        ("mention", rf"(?:^|(?<=[\s(\[{{\"'“‘,;:>]))(?P<value>@{_HANDLE}){_END}(?!\()", 0.7),
        # ``user=j.okafor``, ``login: dkowalski``, ``username "tomasz.w"``, ``IG is @lena``.
        ("labeled", rf"(?:(?<![\w-])|(?<=[_-]))(?:(?P<strong>{_STRONG_LABEL})|{_WEAK_LABEL})[\"']?"
                    rf"(?:(?P<sep>[ \t]*[:=][ \t]*)|[ \t]+(?:is[ \t]+)?)"
                    rf"(?P<quote>[\"'“‘]?)(?P<value>@?{_HANDLE}){_END}", 0.7),
        ("logged_in_as", rf"(?<![\w-]){_AS}[ \t]+[\"'“‘]?(?P<value>{_HANDLE}){_END}", 0.7),
        # ``ssh dkowalski@10.0.0.4``: the user part of a login target.
        # ``postgres://report_ro:...@db``: the user part of a URL with credentials.
        # A path naming a user: "GET /api/v2/users/lena_schroeder/avatar.png", "/~jdoe/".
        ("url_path", rf"(?:/(?i:users?|u|id|profiles?|members?|people|accounts?|customers?|authors?)/|/~)"
                     rf"(?P<value>{_HANDLE})(?=[/?#\"'\s)]|$)", 0.7),
        ("url_user", rf"(?i:\b[a-z][a-z0-9+.-]*://)(?P<value>{_HANDLE}):[^\s@/]{{1,128}}@", 0.7),
        # Common and combined log formats: ``10.0.0.4 - lmorales [15/Jun/2024:09:12:44 +0000]``.
        ("access_log", rf"(?m)(?:^|\s)\S+[ \t]+\S+[ \t]+(?P<value>{_HANDLE})[ \t]+\[\d{{1,2}}/[A-Z][a-z]{{2}}/\d{{4}}:", 0.7),
        # sshd and PAM: ``Failed password for (invalid user) X from``, ``session opened for user X``.
        ("auth_log", rf"(?i:(?:failed|accepted)[ \t]+(?:password|publickey|keyboard-interactive(?:/pam)?|hostbased|none)[ \t]+for(?:[ \t]+invalid[ \t]+user)?|invalid[ \t]+user|session[ \t]+(?:opened|closed)[ \t]+for[ \t]+user)[ \t]+(?P<value>{_HANDLE})(?=[ \t]+(?:from|by|\()|[ \t]*(?:\n|$))", 0.7),
        ("ssh_target", rf"(?i:\b(?:ssh|scp|sftp|rsync|mosh)\b)[^\n@]{{0,80}}?(?<![\w.-])(?P<value>{_HANDLE})@(?=[\w.-])", 0.7),
        # ``user jdoe42 with IP 10.0.0.4``, ``throttled for jdoe (10.0.0.4)``, ``a login to jdoe
        # from 10.0.0.4``: a log's subject right before the address it came from.
        ("before_ip", rf"(?<![\w-])(?i:user|account|for|by|(?:log[ -]?ins?|logons?|sign[ -]?ins?|"
                      rf"attempts?)[ \t]+(?:to|for|by|into|as))[ \t]+(?P<value>{_HANDLE})[ \t]+"
                      rf"(?:\(|(?i:with|from|on|at|via)[ \t]+(?:(?i:the[ \t]+)?(?i:ip)(?i:[ \t]+address)?"
                      rf"[ \t]*:?[ \t]+)?)(?:{_IPV4}|{_IPV6})", 0.6),
        # Audit-log fields that hold who did it: ``admin=vgilewicz``, ``owner=jdoe``, ``by=jdoe``.
        ("audit_field", rf"(?<![\w-])(?i:admin|owner|by|author|editor|operator|approver|reviewer|"
                        rf"requester|initiator|assigned[_-]?to)=[\"']?(?P<value>{_HANDLE}){_END}", 0.6),
        # Discord and Slack exports: ``**maya_k** — 10:47``, ``**maya_k** — Today at 2 PM``.
        ("speaker_markdown", rf"(?m)^[ \t]*\*\*(?P<value>{_HANDLE})\*\*[ \t]*[—–-][ \t]*"
                             rf"(?:(?i:today|yesterday)[ \t]+(?i:at[ \t]+)?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}[ \t]+)?"
                             rf"\d{{1,2}}(?::\d{{2}}|[ \t]*[AaPp]\.?[Mm])", 0.6),
        # The answer to ``What's your username?`` on the next line: ``Customer: dimav``.
        ("answer", rf"(?m)(?i:user[ _-]?name|login|handle|screen[ _-]?name|user[ _-]?id|gamertag)"
                   rf"[^\n?]{{0,60}}\?[ \t]*\n[ \t]*(?:[A-Za-z][\w .-]{{0,20}}:[ \t]*)?"
                   rf"(?P<value>@?{_HANDLE})[ \t]*[.!]?[ \t]*$", 0.6),
        # Transcript speakers: ``<maya_k> hi``, ``[10:42] maya_k: hi`` (see ``_in_transcript``).
        ("speaker_irc", rf"(?m)^[ \t]*(?:{_TIME}|{_DATE_PREFIX})?{_TAG}?<[@+%~&]?(?P<value>{_HANDLE})>[ \t]+\S",
         0.7),
        # (French typography puts a space before the colon: "lucas_mtp : bonjour".)
        ("speaker", rf"(?m)^[ \t]*(?P<time>{_TIME})?(?P<tag>{_TAG})?(?P<value>{_HANDLE})[ \t]?:[ \t]+\S",
         0.6),
        # A handle after the speaker's role word: "[오후 2:14] 고객 mingyu_0417: ...".
        ("speaker_role", rf"(?m)^[ \t]*{_TIME}?{_TAG}?\p{{L}}{{1,12}}[ \t]+(?P<value>@?{_HANDLE})[ \t]?:[ \t]+\S",
         0.6),
        # A speaker's handle after their role or name: ``Müşteri (ayse.kaya84): Merhaba``.
        ("speaker_paren", rf"(?m)^[ \t]*{_TIME}?{_TAG}?\p{{L}}[\p{{L}}\p{{M}} .'-]{{0,24}}?[ \t]*"
                          rf"\((?P<value>@?{_HANDLE})\)[ \t]*:[ \t]+\S", 0.6),
    )
    # Each pattern is tried only on a text holding a piece every match of it holds: an ``@``, a
    # label word, ``://``, ``**``... (a gate for the whole recognizer would be the union of these,
    # which nearly every text passes).
    PATTERN_GATES: ClassVar[dict[str, Gate]] = {
        "mention": re.compile("@"),
        # Every label holds one of these (``u[żz]ytkownika``: "ytkownika", ``usu[áa]rio``: "usu");
        # ``ig`` only at a word start or after ``_``/``-``, as the pattern has it.
        "labeled": AnyGate(
            WordGate([
                "user", "login", "log-in", "screen", "account", "gamer", "benutzer", "utilisateur",
                "identifiant", "usu", "ytkownika", "gebruikersnaam", "brukernavn", "brugernavn",
                "ndarnamn", "tunnus", "utente", "kullan", "handle", "profile", "player", "actor",
                "assignee", "reporter", "nick", "uid", "created", "updated", "modified",
                "performed", "requested", "approved", "anmeldung", "innlogging", "inloggning",
                "kirjautuminen", "connexion", "inicio", "insta", "twitter", "tiktok", "telegram",
                "discord", "skype", "github", "gitlab", "reddit", "snapchat", "mastodon",
                "bluesky", "threads", "steam", "psn", "xbox", "twitch", "_ig", "-ig", "用户", "用戶",
                "ユーザー", "사용자",
            ]),
            WordGate(["ig"], at_word_start=True),
        ),
        "logged_in_as": AnyGate(
            WordGate(["log", "sign", "authenticated", "connected", "sudo", "runas"]),
            WordGate(["su"], whole_word=True),
        ),
        "url_user": re.compile("://"),
        "url_path": re.compile(r"(?i)/(?:users?|u|id|profiles?|members?|people|accounts?|customers?|"
                               r"authors?)/|/~"),
        "access_log": re.compile(r"\[\d"),
        "auth_log": WordGate(["failed", "accepted", "invalid", "session"]),
        "ssh_target": WordGate(["ssh", "scp", "sftp", "rsync", "mosh"]),
        "before_ip": re.compile(r"\d\.\d|[0-9a-fA-F]:[0-9a-fA-F]"),
        "audit_field": re.compile("="),
        "speaker_markdown": re.compile(r"\*\*"),
        "answer": re.compile(r"\?"),
        "speaker_irc": re.compile("<"),
        "speaker": re.compile(r":[ \t]+\S"),
        "speaker_paren": re.compile(r"\)[ \t]*:"),
        "speaker_role": re.compile(r"[\w][ \t]?:[ \t]+\S"),
    }

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Pattern matches minus generic, prose and code words, and speakers outside a transcript."""
        kept: list[RecognizerResult] = []
        lines: tuple[int, int] | None = None  # speaker line counts, counted when needed
        for pattern_name, match, score in self.pattern_matches(text):
            value = match.group("value")
            bare = value.lstrip("@")
            if not self._plausible(pattern_name, match, bare):
                continue
            if pattern_name == "speaker":
                lines = lines or self._speaker_lines(text)
                if not _in_transcript(match, bare, *lines):
                    continue
            start, end = match.span("value")
            kept.append(self._result(start, end, score, pattern_name))
        kept.sort(key=lambda r: (r.start, -r.end, -r.score))
        result: list[RecognizerResult] = []
        for r in kept:  # one result per span (a labeled ``@handle`` is also a mention)
            if result and r.start < result[-1].end:
                continue
            result.append(r)
        return result

    def _plausible(self, pattern_name: str, match: regex.Match[str], bare: str) -> bool:
        folded = bare.casefold()
        letters = sum(ch.isalpha() for ch in bare)
        if (
            letters < 2
            or folded in GENERIC
            or folded.endswith(("bot", "-team", "_team", "-support"))
            or regex.fullmatch(r"\d+[a-z]{1,2}", folded)  # @10am, @2x
        ):
            return False
        if pattern_name == "mention":
            return folded.split(".")[0] not in CODE_WORDS and not _DOMAIN_END.search(bare)
        if pattern_name == "labeled":
            quoted = bool(match.group("quote"))
            if quoted or bare.startswith("@"):
                return True
            if folded in PROSE:
                return False
            if not match.group("sep"):
                # ``user reports``, ``login page``: a weak label and a space need a handle's shape.
                return bool(match.group("strong")) or _handle_shaped(bare)
            if "=" in match.group("sep") or match.group("strong") or _handle_shaped(bare):
                return True
            # ``User: why does ...`` is a chat role, not a login: after a role noun and a colon
            # a plain word counts only where a field value ends (``user: dkowalski, ip=...``).
            if match.group("role"):
                return not regex.fullmatch(r"[A-Z][a-z]+", bare) and bool(
                    _FIELD_END.match(match.string, match.end())
                )
            return True
        if pattern_name == "url_path":
            # Routes and record ids are no user: "/users/me", "/users/new", "/users/8f3a9c21e0".
            return (folded not in URL_ROUTES and folded not in FIELD_WORDS
                    and not regex.fullmatch(r"[0-9a-f-]{8,}|\d+", folded))
        if pattern_name == "before_ip":
            # ``traffic for staging from 10.0.0.4``: a word of the log, not its user.
            return _lower_or_shaped(bare) and folded not in PROSE and folded not in NOT_USERS
        if pattern_name == "audit_field":
            return folded not in PROSE and folded not in FIELD_WORDS
        if pattern_name in ("speaker_markdown", "answer"):
            # A capitalized word is a name (PERSON's) or prose (``Sure``), not a handle.
            return _lower_or_shaped(bare) and folded not in PROSE and folded not in NOT_USERS
        if pattern_name == "logged_in_as":
            return folded not in PROSE
        if pattern_name == "speaker_irc":
            return not bare.isupper() and folded not in HTML_TAGS and folded not in FIELD_WORDS
        if pattern_name == "speaker_role":
            # "Agent Rahul:" is a name (PERSON's); a handle has a handle's shape.
            return _handle_shaped(bare) and folded not in FIELD_WORDS and not bare.isupper()
        if pattern_name == "speaker_paren":
            # ``Agent (Support):`` is a team; a handle has a handle's shape.
            return _handle_shaped(bare) and folded not in FIELD_WORDS
        if pattern_name == "speaker":
            # ``SMTP_PASS:``, ``FROM_ADDR:``: capitals are environment variables and constants.
            return not bare.isupper() and folded not in FIELD_WORDS and folded not in PROSE
        return True

    def _speaker_lines(self, text: str) -> tuple[int, int]:
        """How many ``speaker:`` lines have a handle's shape, and how many a time or tag before."""
        pattern = next(compiled for name, compiled, _ in self._compiled if name == "speaker")
        matches = finditer_bounded(pattern, text)
        shaped = sum(1 for m in matches if _handle_shaped(m.group("value")))
        prefixed = sum(1 for m in matches if m.group("time") or m.group("tag"))
        return shaped, prefixed


def _in_transcript(match: regex.Match[str], handle: str, shaped: int, prefixed: int) -> bool:
    """Whether a ``speaker:`` line is part of a transcript, which takes two speaker lines (one
    ``10:42 eth0: link up`` is a log): a handle-shaped speaker among other handle-shaped or
    timed ones; a plain lowercase word (``dkowalski``) only timed or tagged among timed ones."""
    has_prefix = bool(match.group("time") or match.group("tag"))
    if _handle_shaped(handle):
        return shaped >= 2 or (has_prefix and prefixed >= 2)
    # ``[agent] Ola:`` is a name; people's names are PERSON's (NER and the cue recognizer).
    return has_prefix and prefixed >= 2 and handle.islower()


# Where a field value ends: the line, a bracket, or the next ``key=`` / ``key:`` (a comma alone
# is prose: ``User: cool, and ...``).
_FIELD_END = regex.compile(r"[ \t]*(?:$|\n|[;|)\]}]|,?[ \t]*[\w.-]+[:=]|[ \t]+[\[(])")


def _lower_or_shaped(handle: str) -> bool:
    """A lowercase word (``dimav``) or a handle's shape (``Maya_K``, ``Dave92``)."""
    return handle.lstrip("@").islower() or _handle_shaped(handle.lstrip("@"))


def _handle_shaped(handle: str) -> bool:
    """A handle-looking speaker: ``maya_k``, ``j.okafor``, ``dave92``; not ``order_id``, ``Note``."""
    parts = [part for part in regex.split(r"[._-]", handle.casefold()) if part]
    if any(part in FIELD_WORDS for part in parts):
        return False
    # A hyphen alone makes English words (``re-activation``, ``follow-up``), not handles.
    has_separator = "_" in handle or "." in handle
    mixes_digits = any(ch.isdigit() for ch in handle) and any(ch.isalpha() for ch in handle)
    return has_separator or mixes_digits
