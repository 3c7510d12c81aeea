"""Data categories: the taxonomy, labels on field rules, suggestions for unlabeled paths."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from proxy.contract.categories import (
    TAXONOMY,
    check_category,
    is_sensitive,
    known_ancestor,
    suggest_category,
)
from proxy.contract.models import FieldRule


def test_every_label_has_its_parent_in_the_taxonomy() -> None:
    for label in TAXONOMY:
        if "." in label:
            assert label.rsplit(".", 1)[0] in TAXONOMY, label


def test_labels_under_a_known_category_are_accepted() -> None:
    assert check_category("user.contact.email") == "user.contact.email"
    assert check_category("user.contact.email.work") == "user.contact.email.work"
    assert known_ancestor("user.contact.email.work") == "user.contact.email"
    for bad in ("user", "customer.email", "User.Name", "user..name", "user.nonsense"):
        with pytest.raises(ValueError):
            check_category(bad)


def test_a_field_rule_carries_a_checked_category() -> None:
    rule = FieldRule.model_validate({"action": "keep", "category": "user.name"})
    assert rule.category == "user.name"
    assert FieldRule.model_validate("keep").category is None
    with pytest.raises(ValidationError, match="not in the taxonomy"):
        FieldRule.model_validate({"action": "keep", "category": "user.shoe_size"})


def test_sensitive_categories_include_their_children() -> None:
    assert is_sensitive("user.health_and_medical")
    assert is_sensitive("user.health_and_medical.genetic")
    assert is_sensitive("user.government_id")
    assert not is_sensitive("user.contact.email")
    assert not is_sensitive("user.health")  # a prefix of a word is not a parent
    assert not is_sensitive(None)


@pytest.mark.parametrize(("path", "entities", "free_text", "expected"), [
    ("body:personalizations[*].to[*].email", None, False, "user.contact.email"),
    ("body:ticket.requester.name", None, False, "user.name"),
    ("body:billing_details.address.postal_code", None, False,
     "user.contact.address.postal_code"),
    ("body:shipment.ship_to.phone", None, False, "user.contact.phone_number"),
    ("body:customer", None, False, "user.unique_id"),
    ("body:metadata.order_id", None, False, "system.operations"),
    ("header:authorization", None, False, "system.operations"),
    ("body:note", None, True, "user.content"),
    ("body:note", ("PHONE_NUMBER",), False, "user.contact.phone_number"),
    ("body:note", ("PERSON", "CREDIT_CARD"), False, "user.content"),
    ("query:client_ip", None, False, "user.device.ip_address"),
])
def test_suggestions_from_entities_and_field_names(path: str, entities: tuple[str, ...] | None,
                                                   free_text: bool, expected: str) -> None:
    assert suggest_category(path, entities, free_text) == expected
