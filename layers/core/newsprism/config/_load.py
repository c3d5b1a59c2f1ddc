"""Loading a configuration: the file, its format (TOML, or JSON by the ``.json`` suffix) and
its decoding; ``_schema`` (or ``_legacy`` for the earlier system's schema) then reads the
document key by key into ``_model``'s classes.
"""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path

from newsprism.config._legacy import LegacyReader, is_legacy
from newsprism.config._model import Config, ConfigError
from newsprism.config._schema import Reader
from newsprism.outlets import Registry


def default_config_path() -> Path:
    return Path(str(resources.files("newsprism") / "data" / "topics.toml"))


def load_config(path: str | Path | None = None) -> Config:
    """Load and validate a configuration file; the bundled ``topics.toml`` when none is given."""
    path = Path(path) if path is not None else default_config_path()
    name = path.name if path == default_config_path() else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_config(text, name=name, is_json=path.suffix.lower() == ".json")


def parse_config(text: str, *, name: str, is_json: bool = False,
                 registry: Registry | None = None) -> Config:
    """The configuration ``text`` holds (TOML, or JSON in either schema when ``is_json``);
    ``name`` is the file it came from, for messages; ``registry`` the outlets that ``sites``,
    ``type = "outlet"`` and the warnings look up (default: the bundled ``sources.toml``)."""
    if is_json:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{name}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
        except RecursionError as exc:  # "[[[[…" deeper than the parser goes (issue 9)
            raise ConfigError(f"{name}: invalid JSON: nested too deeply") from exc
    else:
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{name}: invalid TOML: {exc}") from exc
        except RecursionError as exc:
            raise ConfigError(f"{name}: invalid TOML: nested too deeply") from exc
    if not isinstance(document, dict):
        raise ConfigError(f"{name}: the top level must be an object")
    if is_json and is_legacy(document):
        return LegacyReader(name).legacy(document)
    return Reader(name, registry).config(document)
