"""Contract checks for the carriers: path params, cookies, files, credentials, codecs.

Each problem names the file, the vendor, the key and what to do (as in test_loader).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.config.loader import load_config
from proxy.enforce.headers import client_address
from proxy.errors import ConfigError
from tests.conftest import write_config

HEAD = """
vendor: acme
upstream: https://api.acme.example
routes:
"""


def problems_of(tmp_path: Path, routes: str, head: str = HEAD) -> list[str]:
    write_config(tmp_path, {"acme": head + routes})
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    return info.value.problems


CASES = [
    ("""
  - method: GET
    path: /v1/x/{id}
    params: {idd: keep}
""", "routes[0].params.idd: the path /v1/x/{id} has no {idd}; use one of: id"),
    ("""
  - method: GET
    path: /v1/x/{id}
    params: {id: redact}
""", "routes[0].params.id: redact (detection needs a text field) does not apply"),
    ("""
  - method: GET
    path: /v1/x
    request:
      cookies: {sid: redact}
""", "routes[0].request.cookies.sid: redact does not apply to cookies"),
    ("""
  - method: GET
    path: /v1/x
    request:
      headers: [cookie]
      cookies: [sid]
""", "routes[0].request.headers.cookie: the cookies section governs this header"),
    ("""
  - method: POST
    path: /v1/x
    request:
      body: {}
      files: {doc: [application/pdf]}
""", "routes[0].request.files: file parts only exist in multipart bodies"),
    ("""
  - method: POST
    path: /v1/x
    request:
      content_types: [multipart]
      body: {}
      files: {doc: [Application/PDF]}
""", "'Application/PDF' is not a lowercase media type"),
    ("""
  - method: POST
    path: /v1/x
    request:
      content_types: [xml]
""", "unknown codec 'xml'; use one of form, json, multipart, text"),
    ("""
  - method: POST
    path: /v1/x
    credentials: {header: Authorization, scheme: Bearer, secret: {env: K}}
    request:
      headers: [authorization]
""", "routes[0].request.headers.authorization: the proxy injects this header"),
    ("""
  - method: POST
    path: /v1/x
    credentials: {basic: {username: {env: U}}}
    request:
      headers: [Authorization]
""", "routes[0].request.headers.authorization: the proxy injects this header"),
    ("""
  - method: POST
    path: /v1/x
    credentials: {field: api_key, secret: {env: K}}
    request:
      body: {api_key: keep}
""", "routes[0].request.body.'api_key': the proxy injects 'api_key'"),
    ("""
  - method: GET
    path: /v1/x
    credentials: {field: api_key, secret: {env: K}}
""", "routes[0].credentials.field: the route's request takes no form, JSON or multipart body"),
    ("""
  - method: GET
    path: /v1/x
    credentials: {header: X-Key}
""", "routes[0].credentials: 'secret' is required"),
    ("""
  - method: GET
    path: /v1/x
    credentials: {header: X-Key, field: k, secret: {env: K}}
""", "routes[0].credentials: give exactly one of 'header', 'basic' or 'field'"),
    ("""
  - method: GET
    path: /v1/x
    credentials: {header: Host, secret: {env: K}}
""", "routes[0].credentials.header: the proxy builds host itself"),
]


@pytest.mark.parametrize(("routes", "expected"), CASES)
def test_problem_is_located(tmp_path: Path, routes: str, expected: str) -> None:
    problems = problems_of(tmp_path, routes)
    assert any(expected in p and "acme.yaml: vendor 'acme'" in p for p in problems), problems


def test_vendor_credentials_apply_to_each_route(tmp_path: Path) -> None:
    head = HEAD.replace("routes:", "credentials: {header: Authorization, secret: {env: K}}\n"
                        "routes:")
    problems = problems_of(tmp_path, """
  - method: GET
    path: /v1/x
    request:
      headers: [authorization]
""", head)
    assert any("routes[0].request.headers.authorization" in p for p in problems)


@pytest.mark.parametrize(("value", "address"), [
    ("203.0.113.7", "203.0.113.7"), ("203.0.113.7, 10.0.0.1", "203.0.113.7"),
    (" 203.0.113.7:8080 ,10.0.0.1", "203.0.113.7"), ("[2001:db8::1]:443", "2001:db8::1"),
    ("2001:db8::1, 10.0.0.1", "2001:db8::1"), ("unknown", "unknown"),
])
def test_client_address_is_the_leftmost(value: str, address: str) -> None:
    assert client_address(value) == address
