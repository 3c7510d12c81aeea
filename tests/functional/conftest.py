"""Fixtures of the functional tests beyond the suite-wide ones (tests/conftest.py)."""

from tests.functional.policy_helpers import backend, sqlite_backend, start_admin

__all__ = ["backend", "sqlite_backend", "start_admin"]
