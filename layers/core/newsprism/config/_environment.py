"""The Lambda environment's overrides of a model table (docs/design.md, "Configuration").

The template's parameters (``Summarizer``, ``Matcher`` and their model, base URL and key
parameter) also decide the functions' permissions, so they win over the topics file: a
Bedrock model the role may not invoke would fail every run. Empty variables are unset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast

from newsprism.config._model import Config, ConfigError, ModelSettings, check_model

# Variable suffix -> field of the model table; the bare prefix is the ``settings`` choice.
_FIELDS = {"_MODEL": "model", "_BASE_URL": "base_url",
           "_API_KEY_PARAMETER": "api_key_parameter"}


def environment_names(table: str) -> tuple[str, ...]:
    """``NEWSPRISM_MATCHER``, ``NEWSPRISM_MATCHER_MODEL``, … for the table ``matcher``."""
    prefix = f"NEWSPRISM_{table.upper()}"
    return (prefix, *(prefix + suffix for suffix in _FIELDS))


def model_from_environment(config: Config, environ: Mapping[str, str], table: str) -> Config:
    """``config`` with ``table``'s variables of ``environ`` applied, checked as the file is
    (one line naming the variables on a mistake)."""
    prefix, *names = environment_names(table)
    values: dict[str, Any] = {field: environ[name].strip()
                              for name, field in zip(names, _FIELDS.values(), strict=True)
                              if environ.get(name, "").strip()}
    kind = environ.get(prefix, "").strip()
    if not values and not kind:
        return config
    kind = kind or str(getattr(config.settings, table))
    current = cast(ModelSettings, getattr(config, table))
    if "api_key_parameter" in values:  # a key parameter from the template replaces the file's
        values["api_key_env"] = ""
    try:
        checked = check_model(replace(current, **values), kind)
    except ValueError as exc:
        given = ", ".join(name for name in (prefix, *names) if environ.get(name, "").strip())
        raise ConfigError(f"environment ({given}): {exc}") from exc
    choice: dict[str, Any] = {table: kind}
    model: dict[str, Any] = {table: checked}
    return replace(config, settings=replace(config.settings, **choice), **model)
