"""The JSON Schemas of vendor and partner contracts, generated from the pydantic models, for
editors.

``python -m proxy schema --write`` regenerates ``config/schema/vendor-contract.schema.json`` and
``config/schema/partner-contract.schema.json``; a test fails when a committed file differs from
what the models generate, so rerun it after changing ``proxy/contract/models.py`` or
``proxy/config/partners.py``. Sample contracts point at theirs with a modeline that
yaml-language-server
(VS Code, Neovim, JetBrains) understands::

    # yaml-language-server: $schema=../schema/vendor-contract.schema.json

Pydantic's schema describes the models after their "before" validators ran; the contract also
accepts shorthands that those validators expand, so the generated schema is widened to match:

- a field rule may be written as the bare action (``subject: redact``), and
- a map of rules may be written as a list of names meaning ``keep`` (``headers: [authorization]``).

Both are found by probing the models (not by a list of field names), so new fields that accept a
shorthand are covered after regeneration.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from proxy.contract.models import FieldRule, VendorContract

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "config" / "schema"
SCHEMA_PATH = SCHEMA_DIR / "vendor-contract.schema.json"
SCHEMA_ID = "vendor-contract.schema.json"
PARTNER_SCHEMA_PATH = SCHEMA_DIR / "partner-contract.schema.json"
PARTNER_SCHEMA_ID = "partner-contract.schema.json"
_RULE_REF = "#/$defs/FieldRule"


def _models(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every pydantic model reachable from ``root``, by class name (the ``$defs`` key)."""
    found: dict[str, type[BaseModel]] = {}

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation.__name__ in found:
                return
            found[annotation.__name__] = annotation
            for info in annotation.model_fields.values():
                visit(info.annotation)
            return
        origin = typing.get_origin(annotation)
        if origin is not None or isinstance(annotation, types.UnionType):
            for arg in typing.get_args(annotation):
                visit(arg)

    visit(root)
    return found


def _is_rule_map(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(o.get("type") == "object" and o.get("additionalProperties") == {"$ref": _RULE_REF}
               for o in options)


def _accepts_name_list(model: type[BaseModel], name: str) -> bool:
    try:
        model.model_validate({name: ["x-probe"]})
    except ValidationError as exc:
        return not any(err["loc"][:1] == (name,) for err in exc.errors())
    return True


def contract_schema() -> dict[str, Any]:
    """The schema of one vendor contract file, shorthands included."""
    return _file_schema(
        VendorContract, SCHEMA_ID, "Vendor contract",
        "One vendor's data contract for the privacy sidecar proxy (config/vendors/*.yaml).")


def partner_contract_schema() -> dict[str, Any]:
    """The schema of one partner contract file (``config/partners/*.yaml``), shorthands included."""
    from proxy.config.partners import PartnerContract

    return _file_schema(
        PartnerContract, PARTNER_SCHEMA_ID, "Partner contract",
        "What one partner may ask of our API and receive from it (config/partners/*.yaml).")


def _file_schema(root: type[BaseModel], schema_id: str, file_title: str,
                 file_description: str) -> dict[str, Any]:
    schema = root.model_json_schema(mode="validation")
    defs = schema.get("$defs", {})
    rule = defs.get("FieldRule")
    if rule is not None:
        try:
            FieldRule.model_validate("keep")
            accepts_bare_action = True
        except ValidationError:
            accepts_bare_action = False
        if accepts_bare_action:
            object_form = dict(rule)
            description = object_form.pop("description", None)
            title = object_form.pop("title", "FieldRule")
            defs["FieldRule"] = {
                "title": title,
                "description": (description or "") + "\n\nShorthand: the bare action, e.g. "
                "`keep`.",
                "anyOf": [{"$ref": "#/$defs/Action"}, object_form],
            }
    models = _models(root)
    for def_name, definition in defs.items():
        model = models.get(def_name)
        if model is None:
            continue
        for prop, prop_schema in definition.get("properties", {}).items():
            if _is_rule_map(prop_schema) and _accepts_name_list(model, prop):
                names = {"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                         "description": "names that pass unchanged (shorthand for `name: keep`)"}
                options = prop_schema.pop("anyOf", None)
                if options is None:
                    options = [{k: prop_schema.pop(k) for k in list(prop_schema)
                                if k in ("type", "additionalProperties")}]
                prop_schema["anyOf"] = [names, *options]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        **schema,
        "title": file_title,
        "description": file_description + " Generated by `python -m proxy schema --write`; "
        "do not edit.",
    }


def _render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def render_schema() -> str:
    """The vendor schema file's exact text (stable key order, trailing newline)."""
    return _render(contract_schema())


def render_schemas() -> dict[Path, str]:
    """Every schema file and its exact text."""
    return {SCHEMA_PATH: render_schema(), PARTNER_SCHEMA_PATH: _render(partner_contract_schema())}
