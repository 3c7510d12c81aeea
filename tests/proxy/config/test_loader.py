"""Contract validation: each problem names the file, the vendor, the key and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.config.loader import load_config
from proxy.errors import ConfigError
from tests.conftest import REPO, write_config

GOOD = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/things/{id}
    request:
      headers: [authorization]
      body:
        name: keep
"""


def problems_of(tmp_path: Path, text: str, proxy_yaml: str = "") -> list[str]:
    write_config(tmp_path, {"acme": text}, proxy_yaml)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    return info.value.problems


def test_sample_config_is_valid() -> None:
    config = load_config(REPO / "config")
    assert {"mailer", "payments", "helpdesk", "shipping"} <= set(config.vendors)
    assert len(config.version) == 12


def test_good_contract_loads(tmp_path: Path) -> None:
    write_config(tmp_path, {"acme": GOOD})
    assert list(load_config(tmp_path).vendors) == ["acme"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("name: keep", "name: redcat",
         "vendor 'acme': routes[0].request.body.name.action: unknown action 'redcat'; use one of"),
        ("name: keep", '"a..b": keep',
         "routes[0].request.body.'a..b': bad selector: empty key at position 2"),
        ("name: keep", "name: {action: redact, entities: [PERSN]}",
         "routes[0].request.body.'name': unknown entity 'PERSN'; known:"),
        ("upstream: https://api.acme.example\n", "",
         "vendor 'acme': upstream: required key is missing"),
        ("https://api.acme.example", "ftp://acme", "upstream: must be an http:// or https:// URL"),
        ("path: /v1/things/{id}", "path: v1/things", "routes[0].path: 'v1/things' must start"),
        ("method: POST", "method: PSOT", "routes[0].method: unknown method 'PSOT'"),
        ("headers: [authorization]", "headers: [content-length]",
         "headers.content-length: the proxy always builds this header itself"),
        ("name: keep", "name: {action: mask, to: year}",
         "option(s) to do not apply to action 'mask'"),
        ("name: keep", "name: keep\n        colour: keep\n        name: drop",
         "duplicate key 'name'"),
        ("routes:", "routs:", "routs: unknown key; check its spelling or remove it"),
    ],
)
def test_problem_messages(tmp_path: Path, old: str, new: str, expected: str) -> None:
    problems = problems_of(tmp_path, GOOD.replace(old, new))
    assert any(expected in p for p in problems), problems
    assert all(str(tmp_path / "vendors" / "acme.yaml") in p for p in problems)


def test_duplicate_route_with_other_param_name(tmp_path: Path) -> None:
    text = GOOD + """
  - method: POST
    path: /v1/things/{thing_id}
"""
    problems = problems_of(tmp_path, text)
    assert any("routes[1]: duplicate route POST /v1/things/{thing_id} (same as routes[0])" in p
               for p in problems)


def test_every_problem_of_every_file_is_listed(tmp_path: Path) -> None:
    write_config(tmp_path, {
        "a": GOOD.replace("acme", "a1").replace("name: keep", "name: nope"),
        "b": GOOD.replace("acme", "b1").replace("POST", "FETCH"),
    })
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    text = "\n".join(info.value.problems)
    assert "a.yaml: vendor 'a1'" in text and "b.yaml: vendor 'b1'" in text


def test_same_vendor_in_two_files(tmp_path: Path) -> None:
    write_config(tmp_path, {"one": GOOD, "two": GOOD})
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "vendor name already used by" in info.value.problems[0]


def test_bad_proxy_yaml(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, GOOD, proxy_yaml="limits:\n  max_body_bytes: -1\n")
    assert any("proxy.yaml: limits.max_body_bytes" in p for p in problems)


def test_no_contracts(tmp_path: Path) -> None:
    (tmp_path / "vendors").mkdir()
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "no vendor contracts" in info.value.problems[0]
