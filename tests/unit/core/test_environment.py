"""The environment's readers (goldenthread.environment): a bad value is one message naming the variable."""

from __future__ import annotations

import pytest

from goldenthread.environment import EnvironmentValueError, env_bind, env_bool, env_int, env_memory


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "X must be a whole number; got 'abc'"),
        ("1.5", "X must be a whole number; got '1.5'"),
        ("0", "X must be at least 1; got 0"),
        ("-5", "X must be at least 1; got -5"),
        ("11", "X must be at most 10; got 11"),
        ("1e3", "X must be a whole number"),
        ("9" * 5000, "X must be a whole number; got '9999"),
    ],
)
def test_env_int_bad_value_names_variable(value: str, message: str) -> None:
    with pytest.raises(EnvironmentValueError) as raised:
        env_int("X", 5, maximum=10, environ={"X": value})
    assert str(raised.value).startswith(message)
    assert len(str(raised.value)) < 120  # a long value is not echoed whole


def test_env_int_unset_or_blank_gives_default() -> None:
    assert env_int("X", 5, environ={}) == 5
    assert env_int("X", 5, environ={"X": " "}) == 5
    assert env_int("X", 5, environ={"X": " 7 "}) == 7


def test_env_bool_and_memory_and_bind_bad_values_name_variable() -> None:
    with pytest.raises(EnvironmentValueError, match="B must be true or false"):
        env_bool("B", False, environ={"B": "sometimes"})
    with pytest.raises(EnvironmentValueError, match="M must be an amount of memory"):
        env_memory("M", "1GB", environ={"M": "1GB; DROP"})
    with pytest.raises(EnvironmentValueError, match="P must be HOST:PORT"):
        env_bind("P", "127.0.0.1:8000", environ={"P": "127.0.0.1:99999"})
    assert env_memory("M", "1GB", environ={"M": "512MiB"}) == "512MiB"
    assert env_bind("P", "x", environ={"P": "[::1]:8000"}) == "[::1]:8000"
