"""Vendor and route matching; the forwarded path is rebuilt from checked segments."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.config.loader import load_config
from proxy.contract.routing import Router, RouteTemplate
from proxy.errors import BadRequest, NotFound
from tests.conftest import write_config

CONTRACT = """
vendor: crm
upstream: https://api.crm.example/base/
routes:
  - {method: GET, path: "/v1/customers/{id}"}
  - {method: GET, path: /v1/customers/search}
  - {method: POST, path: /v1/customers}
"""


@pytest.fixture
def router(tmp_path: Path) -> Router:
    return Router(load_config(write_config(tmp_path, {"crm": CONTRACT})).vendors)


def test_template_and_literal_preference(router: Router) -> None:
    m = router.match("GET", "/crm/v1/customers/cus_1")
    assert m.route.name == "GET /v1/customers/{id}" and m.params == {"id": "cus_1"}
    assert m.upstream_url == "https://api.crm.example/base/v1/customers/cus_1"
    assert router.match("GET", "/crm/v1/customers/search").route.name == \
        "GET /v1/customers/search"


def test_path_is_re_encoded(router: Router) -> None:
    m = router.match("GET", "/crm/v1/customers/a%20b%3Fc")
    assert m.params == {"id": "a b?c"}
    assert m.upstream_url.endswith("/v1/customers/a%20b%3Fc")


@pytest.mark.parametrize(
    ("method", "path", "reason"),
    [
        ("GET", "/nobody/v1/customers/1", "unknown_vendor"),
        ("GET", "/", "unknown_vendor"),
        ("DELETE", "/crm/v1/customers/1", "unknown_route"),
        ("GET", "/crm/v1/customers/1/extra", "unknown_route"),
        ("GET", "/crm/v1/orders", "unknown_route"),
    ],
)
def test_not_found(router: Router, method: str, path: str, reason: str) -> None:
    with pytest.raises(NotFound) as info:
        router.match(method, path)
    assert info.value.reason == reason


@pytest.mark.parametrize(
    "path",
    ["/crm/v1/customers/a%2Fb", "/crm/v1/../v1/customers", "/crm/v1//customers",
     "/crm/v1/customers/%2e%2e", "/crm/v1/customers/a%00", "/crm/v1/customers/"],
)
def test_confusing_paths_are_refused(router: Router, path: str) -> None:
    with pytest.raises(BadRequest):
        router.match("GET", path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("v1", "must start with '/'"), ("/a//b", "empty segment"), ("/a/x{id}", "whole segment"),
     ("/a/{id}/{id}", "appears twice"), ("/a/..", "'..' segment")],
)
def test_bad_templates(text: str, problem: str) -> None:
    with pytest.raises(ValueError) as info:
        RouteTemplate.parse(text)
    assert problem in str(info.value)


def test_matches_of_literal_routes_are_remembered_and_parameters_are_not(
    router: Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = router.match("GET", "/crm/v1/customers/search")
    assert router.match("GET", "/crm/v1/customers/search") is first
    assert router.match("GET", "/crm/v1/customers/%73earch") == first  # same route, own key
    router.match("GET", "/crm/v1/customers/cus_1")  # a parameter (maybe data): not kept
    assert set(router._literal_matches) == {("GET", "/crm/v1/customers/search"),
                                            ("GET", "/crm/v1/customers/%73earch")}
    with pytest.raises(NotFound):  # refusals are not remembered either
        router.match("POST", "/crm/v1/customers/search")
    monkeypatch.setattr("proxy.contract.routing._MAX_CACHED_MATCHES", 2)
    router.match("POST", "/crm/v1/customers")
    assert len(router._literal_matches) == 2
    assert router.match("POST", "/crm/v1/customers").route.name == "POST /v1/customers"
