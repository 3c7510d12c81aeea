"""BoundedUrlRecognizer: URLs outside identifiers, and the personal ones among them."""

from __future__ import annotations

import pytest

from recognizers.entities import CONTEXT_ENTITIES, KNOWN_ENTITIES, STANDARD_ENTITIES
from recognizers.patterns.url_recognizer import BoundedUrlRecognizer, is_personal_url
from recognizers.registry import build_recognizers
from recognizers.settings import AnalyzerSettings

RECOGNIZER = BoundedUrlRecognizer()


def found(text: str, entities: list[str]) -> list[tuple[str, str]]:
    results = sorted(RECOGNIZER.analyze(text, entities), key=lambda r: r.start)
    return [(r.entity_type, text[r.start : r.end]) for r in results]


@pytest.mark.parametrize(
    ("url", "personal"),
    [
        # profiles on the platforms people link to ...
        ("https://www.linkedin.com/in/jane-doe-42/", True),
        ("linkedin.com/company/acme", False),
        ("github.com/janedoe", True),
        ("github.com/acme/mailer", False),  # a repository, not its owner's page
        ("https://www.instagram.com/jane.doe/", True),
        ("https://www.instagram.com/p/Cx12ab/", False),
        ("x.com/jane_doe", True),
        ("https://twitter.com/intent/tweet", False),
        ("https://www.facebook.com/profile.php?id=1000123", True),
        ("https://www.facebook.com/help", False),
        ("https://tiktok.com/@jane.doe", True),
        ("https://www.youtube.com/@janedoe", True),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", False),
        ("https://wa.me/447700900123", True),
        ("janedoe.substack.com", True),
        ("substack.com", False),
        # ... personal booking links ...
        ("calendly.com/jane-doe/30min", True),
        ("https://calendly.com/pricing", False),
        # ... profile paths of any site, but not an API's or a package's
        ("https://mastodon.social/@jane", True),
        ("https://www.npmjs.com/package/@acme/mailer", False),
        ("reddit.com/u/jane_d", True),
        ("https://forum.example.org/user/jdoe", True),
        ("https://api.trailmate.app/v2/users/lookup", False),
        ("https://shop.example.com/profile/settings", False),
        ("https://cs.uni-example.edu/~jdoe/", True),
        # a company's pages, APIs, images and servers
        ("fedex.com/mydelivery", False),
        ("ghcr.io/acme/mailer:1.8", False),
        ("https://www.googleapis.com/auth/gmail.send", False),
        ("smtp.sendbeam.io", False),
        ("https://docs.trailmate.app/guides/users", False),
    ],
)
def test_personal_urls(url: str, personal: bool) -> None:
    assert is_personal_url(url) is personal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my website: janedoe.dev", [("URL_PERSONAL", "janedoe.dev")]),
        ("meine Homepage www.anna-schmidt.de", [("URL_PERSONAL", "www.anna-schmidt.de")]),
        ("Hi, my portfolio site https://www.tomasdvorak.cz (hosted", [
            ("URL_PERSONAL", "https://www.tomasdvorak.cz")]),
        ("mon site perso : www.claire-martin.fr", [("URL_PERSONAL", "www.claire-martin.fr")]),
        ("the docs site https://docs.trailmate.app", []),
        ("our status page: status.trailmate.app", []),  # "our": a company's
        ("the website janedoe.dev", []),
    ],
)
def test_a_site_the_text_calls_someones_own(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text, ["URL_PERSONAL"]) == expected


def test_the_entities_asked_decide_the_label() -> None:
    text = "see linkedin.com/in/jane-doe and https://api.trailmate.app/v2/users/lookup"
    personal = ("URL_PERSONAL", "linkedin.com/in/jane-doe")
    company = ("URL", "https://api.trailmate.app/v2/users/lookup")
    # a contract listing URL gets every URL as URL
    assert found(text, ["URL"]) == [("URL", personal[1]), company]
    # the standard sensitivity asks for personal URLs only
    assert found(text, ["URL_PERSONAL"]) == [personal]
    # every type: each URL under its more precise type
    assert found(text, ["URL", "URL_PERSONAL"]) == [personal, company]


def test_the_standard_set_keeps_personal_urls_only() -> None:
    assert "URL" in CONTEXT_ENTITIES and "URL" not in STANDARD_ENTITIES
    assert "URL_PERSONAL" in STANDARD_ENTITIES and "URL_PERSONAL" in KNOWN_ENTITIES


@pytest.mark.parametrize("entities", [("URL",), ("URL_PERSONAL",), ("URL", "URL_PERSONAL")])
def test_one_url_recognizer_serves_both_types(entities: tuple[str, ...]) -> None:
    recognizers = build_recognizers(AnalyzerSettings(entities=entities))
    assert [type(r).__name__ for r in recognizers] == ["BoundedUrlRecognizer"]
