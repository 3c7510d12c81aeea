"""A contract's detection section through the proxy: allow list, deny list, custom recognizer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from proxy.config.loader import load_config
from proxy.testing import RecordingVendor
from proxy.tools.cli import analyzer_settings_for
from recognizers import DetectionPool
from tests.conftest import ProxyFactory, write_config

pytestmark = pytest.mark.functional

CONTRACT = r"""
vendor: crm
upstream: https://api.crm.example
detection:
  allow_list: [support@shop.example]
  deny_list: [Project Bluebird]
  recognizers:
    - name: customer_number
      entity: CUSTOMER_NUMBER
      patterns:
        - {regex: '\bCUST-\d{8}\b', score: 0.9}
      context: [customer, account]
routes:
  - method: POST
    path: /v1/notes
    request:
      body:
        text: {action: redact, entities: [EMAIL_ADDRESS, CUSTOMER_NUMBER]}
  - method: POST
    path: /v1/transcript
    request:
      stream: {kind: text}
      body:
        $text: {action: redact, entities: [EMAIL_ADDRESS, CUSTOMER_NUMBER]}
"""


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_config(tmp_path_factory.mktemp("detect"), {"crm": CONTRACT})


@pytest.fixture(scope="module")
async def contract_pool(config_dir: Path) -> AsyncIterator[DetectionPool]:
    settings = analyzer_settings_for(load_config(config_dir)).model_copy(update={"workers": 1})
    assert settings.entities == ("CUSTOMER_NUMBER", "DENIED_TERM", "EMAIL_ADDRESS")
    async with DetectionPool(settings) as pool:
        yield pool


async def test_allow_deny_and_custom_recognizer(
    start_proxy: ProxyFactory, vendor: RecordingVendor, config_dir: Path,
    contract_pool: DetectionPool,
) -> None:
    proxy = await start_proxy(config_dir=config_dir, upstream=vendor.url, detector=contract_pool)
    text = ("Mail support@shop.example or jane.roe@example.com about Project Bluebird, "
            "customer account CUST-12345678.")
    resp = await proxy.session.post(f"{proxy.url}/crm/v1/notes", json={"text": text})
    assert resp.status == 200
    assert vendor.received[0].json() == {
        "text": "Mail support@shop.example or <EMAIL_ADDRESS> about <DENIED_TERM>, "
                "customer account <CUSTOMER_NUMBER>."}
    assert proxy.audit_lines()[0]["request"]["entities"] == {
        "CUSTOMER_NUMBER": 1, "DENIED_TERM": 1, "EMAIL_ADDRESS": 1}


async def test_a_text_stream_applies_the_contracts_detection_section(
    start_proxy: ProxyFactory, vendor: RecordingVendor, config_dir: Path,
    contract_pool: DetectionPool,
) -> None:
    """Streamed text is checked with the vendor's own allow/deny lists and recognizers too."""
    proxy = await start_proxy(config_dir=config_dir, upstream=vendor.url, detector=contract_pool)
    text = ("Mail support@shop.example or jane.roe@example.com about Project Bluebird, "
            "customer account CUST-12345678.")
    resp = await proxy.session.post(f"{proxy.url}/crm/v1/transcript", data=text.encode(),
                                    headers={"Content-Type": "text/plain; charset=utf-8"})
    assert resp.status == 200
    assert vendor.received[0].body.decode() == (
        "Mail support@shop.example or <EMAIL_ADDRESS> about <DENIED_TERM>, "
        "customer account <CUSTOMER_NUMBER>.")


def test_unknown_entity_lists_the_contracts_own(tmp_path: Path) -> None:
    from proxy.errors import ConfigError
    write_config(tmp_path, {"crm": CONTRACT.replace("CUSTOMER_NUMBER]}", "CUSTOMER_NUMBR]}")})
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "unknown entity 'CUSTOMER_NUMBR'" in info.value.problems[0]
    assert "CUSTOMER_NUMBER" in info.value.problems[0]


PHONE_CONTRACT = """
vendor: {name}
upstream: https://api.sms.example
{detection}
routes:
  - method: POST
    path: /v1/messages
    request:
      body:
        text: {{action: redact, entities: [PHONE_NUMBER]}}
"""


@pytest.fixture(scope="module")
def phone_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_config(tmp_path_factory.mktemp("phones"), {
        "us_sms": PHONE_CONTRACT.format(name="us_sms", detection="detection: {phone_regions: [us]}"),
        "intl_sms": PHONE_CONTRACT.format(name="intl_sms", detection=""),
    })


async def test_a_contract_chooses_its_phone_regions(
    start_proxy: ProxyFactory, vendor: RecordingVendor, phone_config_dir: Path,
) -> None:
    settings = analyzer_settings_for(load_config(phone_config_dir)).model_copy(
        update={"workers": 1})
    text = "Call 212-555-0198, +44 20 7946 0958 or 020 7946 0958."
    async with DetectionPool(settings) as pool:
        proxy = await start_proxy(config_dir=phone_config_dir, upstream=vendor.url, detector=pool)
        for name in ("us_sms", "intl_sms"):
            resp = await proxy.session.post(f"{proxy.url}/{name}/v1/messages", json={"text": text})
            assert resp.status == 200
    us_only, default = (request.json()["text"] for request in vendor.received)
    # US national formats only (and every number written with its country code) ...
    assert us_only == "Call <PHONE_NUMBER>, <PHONE_NUMBER> or 020 7946 0958."
    # ... against proxy.yaml's default regions, which include GB.
    assert default == "Call <PHONE_NUMBER>, <PHONE_NUMBER> or <PHONE_NUMBER>."


def test_unknown_phone_region_names_file_vendor_and_key(tmp_path: Path) -> None:
    from proxy.errors import ConfigError
    write_config(tmp_path, {"us_sms": PHONE_CONTRACT.format(
        name="us_sms", detection="detection: {phone_regions: [US, UK]}")})
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    [problem] = info.value.problems
    assert "us_sms" in problem and "phone_regions" in problem
    assert "unknown phone region UK" in problem and "GB" in problem


NOTES_CONTRACT = """
vendor: {name}
upstream: https://api.notes.example
{detection}
routes:
  - method: POST
    path: /v1/notes
    request:
      body:
        text: redact
"""


@pytest.fixture(scope="module")
def sensitivity_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_config(tmp_path_factory.mktemp("sensitivity"), {
        "standard_notes": NOTES_CONTRACT.format(name="standard_notes", detection=""),
        "strict_notes": NOTES_CONTRACT.format(name="strict_notes",
                                              detection="detection: {sensitivity: strict}"),
    })


async def test_standard_sensitivity_keeps_dates_and_bare_cities_strict_removes_them(
    start_proxy: ProxyFactory, vendor: RecordingVendor, sensitivity_config_dir: Path,
    detection_pool: DetectionPool,
) -> None:
    proxy = await start_proxy(config_dir=sensitivity_config_dir, upstream=vendor.url,
                              detector=detection_pool)
    text = ("Maria Gonzalez called on Monday 3 March about her flight to Berlin; "
            "ship the badge to Hauptstr. 5a, 8001 Zürich.")
    for name in ("standard_notes", "strict_notes"):
        resp = await proxy.session.post(f"{proxy.url}/{name}/v1/notes", json={"text": text})
        assert resp.status == 200
    standard, strict = (request.json()["text"] for request in vendor.received)
    for sent in (standard, strict):  # the personal data is gone under both
        assert "Maria" not in sent and "Gonzalez" not in sent
        assert "Hauptstr" not in sent and "8001" not in sent and "Zürich" not in sent
    # What is not personal on its own reaches the vendor under the standard sensitivity ...
    assert "Monday 3 March" in standard and "Berlin" in standard
    # ... and not under the strict one.
    assert "Berlin" not in strict and "Monday" not in strict
