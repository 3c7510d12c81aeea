"""URLs, without Presidio's matches inside identifiers, and the personal ones among them.

Presidio's ``UrlRecognizer`` reports a domain-shaped piece of any dotted name: ``svc.bi`` inside
``svc.billing``, ``config.py`` or ``order.total``. This subclass keeps a match without a scheme
only when it stands alone (no letter, digit or ``_`` glued to either end) and its last label is a
common top-level domain; URLs with ``http(s)://`` or ``www.`` are kept as they are.

Most URLs in support tickets and logs are a company's: its API, documentation, tracking page or
container image (``https://api.trailmate.app/v2/users/lookup``, ``ghcr.io/acme/mailer:1.8``).
Those are not personal data; a URL that leads to one person is. The recognizer reports those as
``URL_PERSONAL`` (any URL is still ``URL``):

- profiles on the platforms people link to: LinkedIn ``/in/``, GitHub, GitLab, Instagram,
  X/Twitter, Facebook, TikTok, YouTube, Reddit, Telegram and WhatsApp links, Linktree...;
- personal booking and payment links (``calendly.com/jane-doe``, ``paypal.me/jane``);
- profile paths of any site: ``/@jane`` (Mastodon and others), ``/u/jane``, ``/user/jane``,
  ``/profile/...``, ``/members/jane``, ``/~jane`` (a university home page); not under an API
  (``/v2/users/lookup``);
- a URL the text calls someone's own site (``my website: janedoe.dev``).

It is one recognizer for both types because the costly part is Presidio's pattern, run once.
Asked for ``URL`` only (a contract that lists it), it reports every URL as ``URL``; asked for
``URL_PERSONAL`` only (the standard sensitivity), only the personal ones; asked for both, each
URL under its more precise type.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import UrlRecognizer

from recognizers.prefilter import PRESIDIO_FLAGS

COMMON_TLDS = frozenset(  # a word list reads better than 52 quoted strings
    (  # noqa: SIM905
        "com org net edu gov mil int io co ai app dev biz info me us uk de fr nl es it ch at be "
        "se no dk fi ie pl pt cz ca au nz jp cn in br mx ru eu tv ly gg xyz online site shop "
        "store tech"
    ).split()
)


# Every pattern of Presidio's has a host character, a dot and a letter opening the top-level
# domain; a text without that is skipped (the 6 KB TLD alternation is the costly part).
_URL_GATE = regex.compile(r"[a-z0-9.\-][.][a-z]", PRESIDIO_FLAGS)


URL_ENTITY = "URL"
PERSONAL_URL_ENTITY = "URL_PERSONAL"

# Platforms whose first path segment is a person's handle ("github.com/janedoe"), minus the
# segments that are the platform's own pages. Hosts are compared without "www.", "m." ...
_HANDLE_HOSTS = frozenset(
    (  # noqa: SIM905
        "github.com gitlab.com bitbucket.org instagram.com instagr.am twitter.com x.com "
        "facebook.com fb.com tiktok.com pinterest.com twitch.tv patreon.com ko-fi.com "
        "buymeacoffee.com linktr.ee about.me paypal.me venmo.com cash.app calendly.com cal.com "
        "savvycal.com tidycal.com zcal.co dribbble.com behance.net soundcloud.com vk.com t.me "
        "telegram.me wa.me keybase.io threads.net snapchat.com flickr.com medium.com "
        "substack.com"
    ).split()
)
_PLATFORM_PAGES = frozenset(
    (  # noqa: SIM905
        "about help login logout signup register join explore settings pricing features blog "
        "docs developers developer legal privacy terms tos policies policy search home jobs "
        "careers business company pages groups events marketplace watch hashtag i intent share "
        "sharer p reel reels tv accounts direct orgs organizations enterprise topics trending "
        "collections sponsors apps site security contact notifications new team teams "
        "customers resources solutions products download integrations partners status support "
        "api static assets app dashboard discover tag tags video videos music live gaming "
        "messages inbox marketplace shop store press features readme login.php home.php "
        "dialog plugins ads event_types integrations embed oauth auth"
    ).split()
)
# Hosts that give each person a subdomain ("janedoe.substack.com"); a github.io site with a
# path is as often a project's documentation.
_PERSONAL_SUBDOMAIN_HOSTS = frozenset(
    (  # noqa: SIM905
        "substack.com wordpress.com blogspot.com medium.com tumblr.com carrd.co neocities.org "
        "wixsite.com weebly.com academia.edu github.io"
    ).split()
)
# Paths of any site that lead to one person's page.
_PROFILE_PATH = re.compile(
    r"(?i)^/(?:in|pub|u|user|users|profile|profiles|member|members|people|author|authors|"
    r"citations|view)/[^/?#]+|^/@[\w.\-]+|^/~[\w.\-]+|/profile\.php\?id="
)
# "users/lookup", "profile/edit": the site's own actions, not someone's page.
_ACTIONS = frozenset(
    (  # noqa: SIM905
        "lookup search list me self new edit create update delete settings login logout "
        "register signup password reset auth sign_in sign_up verify batch bulk export import "
        "count all"
    ).split()
)
_API_MARKERS = re.compile(r"(?i)^api[.\-]|/api/|/v\d+(?:\.\d+)?/|/graphql|/rest/|/oauth")
# Package registries and CDNs: "/@scope/name" is an organization's package, not a profile.
_PACKAGE_HOSTS = frozenset(
    "npmjs.com registry.npmjs.org unpkg.com cdn.jsdelivr.net esm.sh cdn.skypack.dev".split()
)
# Someone's own site, named right before the URL, in the languages of our texts; one word may
# qualify it on either side ("my portfolio site", "mon site perso", "my blog is").
_OWN_SITE = re.compile(
    r"(?i)\b(?:my|his|her|meine?|mon|ma|mi|il\s+mio|mijn|moja?|мой)\s+(?:\w+\s+)?"
    r"(?:web\s?site|site|blog|portfolio|home\s?page|page|cv|resume|seite|sitio|página|web|"
    r"portafolio|sito|strona|сайт|блог)(?:\s+\w+)?\W{0,12}$"
)


def is_personal_url(url: str, before: str = "") -> bool:
    """Whether ``url`` leads to one person's page (see the module docstring); ``before`` is the
    text right before it."""
    if _OWN_SITE.search(before[-60:]):
        return True
    value = url.rstrip(".,;:!?)]}'\"")
    parts = urlsplit(value if "://" in value else "//" + value)
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile.", "web."):
        host = host.removeprefix(prefix)
    path = parts.path or ""
    query = f"?{parts.query}" if parts.query else ""
    if host in _PACKAGE_HOSTS or _API_MARKERS.search(host + path):
        return False
    segments = [segment for segment in path.split("/") if segment]
    parent = host.split(".", 1)[-1]
    if parent in _PERSONAL_SUBDOMAIN_HOSTS and host.count(".") >= 2:
        return parent != "github.io" or not segments
    if host in _HANDLE_HOSTS and segments:
        first = segments[0].lower()
        if first.startswith(("@", "$")) or first not in _PLATFORM_PAGES:
            # A GitHub or GitLab page two levels down is a repository, not its owner's page.
            return not (host in {"github.com", "gitlab.com", "bitbucket.org"} and len(segments) > 1)
    match = _PROFILE_PATH.search(path + query)
    if match is None:
        return False
    name = match.group().rstrip("/").rsplit("/", 1)[-1].lower()
    return name not in _ACTIONS


class BoundedUrlRecognizer(UrlRecognizer):
    """Presidio's URL recognizer, minus domain-shaped pieces of identifiers and file names, and
    with the personal URLs among them as ``URL_PERSONAL``."""

    PERSONAL_SCORE = 0.85

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language)
        self.supported_entities = [URL_ENTITY, PERSONAL_URL_ENTITY]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's URLs that pass the checks of the module docstring, each as ``URL`` or
        ``URL_PERSONAL`` by what ``entities`` asks for."""
        kept: list[RecognizerResult] = []
        if not _URL_GATE.search(text):
            return kept
        want_url = not entities or URL_ENTITY in entities
        want_personal = not entities or PERSONAL_URL_ENTITY in entities
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in _bounded(found, text):
            before = text[max(0, result.start - 60) : result.start]
            if want_personal and is_personal_url(text[result.start : result.end], before):
                result.entity_type = PERSONAL_URL_ENTITY
                result.score = max(result.score, self.PERSONAL_SCORE)
                kept.append(result)
            elif want_url:
                kept.append(result)
        return kept



def _bounded(results: list[RecognizerResult], text: str) -> list[RecognizerResult]:
    """Presidio's URLs minus domain-shaped pieces of identifiers (see the module docstring)."""
    kept: list[RecognizerResult] = []
    for result in results:
        value = text[result.start : result.end]
        lowered = value.lower()
        if "://" in lowered or lowered.startswith("www."):
            kept.append(result)
            continue
        before = text[result.start - 1] if result.start > 0 else " "
        after = text[result.end] if result.end < len(text) else " "
        if before.isalnum() or before in "_.=@-" or after.isalnum() or after in "_(":
            continue
        host = lowered.split("/", 1)[0].split(":", 1)[0]
        if host.rsplit(".", 1)[-1] not in COMMON_TLDS:
            continue
        kept.append(result)
    return kept
