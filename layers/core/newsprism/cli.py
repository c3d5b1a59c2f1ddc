"""The ``newsprism`` command line: the same stage functions the Lambda handlers call.

Exit status (docs/design.md, "Command line"): 0 when a digest was produced (even if some
feeds failed, which the report says), 2 on bad configuration or arguments, 1 when nothing was
produced.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, time
from pathlib import Path

from newsprism.config import Config, ConfigError, Topic, load_config
from newsprism.documents import FeedReport, RawRun, SchemaError

from .store import FileStore, NotFound, Store, open_store

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments: reported in one line, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (ConfigError, UsageError) as exc:
        print(f"newsprism: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsprism", description=__doc__.splitlines()[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="topics file, TOML or JSON (default: the bundled "
                                         "topics.toml)")
    common.add_argument("--data", default="./.newsprism/data", help="data store: a directory "
                        "or s3://bucket/prefix (default: %(default)s)")
    common.add_argument("--site", default="./.newsprism/site", help="site store: a directory "
                        "or s3://bucket/prefix (default: %(default)s)")
    common.add_argument("--topic", action="append", default=[], metavar="ID",
                        help="a topic id (repeatable; default: every active topic)")
    common.add_argument("--now", help="the run's clock, ISO 8601 (default: the current time)")
    dated = argparse.ArgumentParser(add_help=False)
    dated.add_argument("--date", help="the stored day to work on, YYYY-MM-DD "
                                      "(default: the date of --now)")

    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, handler, parents, text in (
        ("run", _run, [common], "fetch, classify, summarize and render in one go"),
        ("fetch", _fetch, [common], "fetch every feed of the selected topics"),
        ("classify", _classify, [common, dated], "select the articles of a digest"),
        ("summarize", _summarize, [common, dated], "write a digest's highlights"),
        ("render", _render, [common, dated], "publish digests to the site"),
    ):
        command = commands.add_parser(name, parents=parents, help=text, description=text)
        command.set_defaults(handler=handler)
        if name == "render":
            command.add_argument("--all", action="store_true",
                                 help="rebuild every page from the stored digests")
        if name in ("run", "render"):
            command.add_argument("--base-url", default=os.environ.get("SITE_BASE_URL"),
                                 help="the site's public URL, for absolute links in feeds and "
                                      "the sitemap (default: $SITE_BASE_URL; none: relative "
                                      "links and no sitemap)")
    serve = commands.add_parser("serve", help="serve the site directory on 127.0.0.1")
    serve.add_argument("--site", default="./.newsprism/site", help="site directory")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)
    return parser


# -- commands ------------------------------------------------------------------------------


def _run(args: argparse.Namespace) -> int:
    config, topics, now = _setup(args)
    base_url = _base_url(args)
    data, site = open_store(args.data), open_store(args.site)
    _do_fetch(config, topics, data, now)
    produced = 0
    for topic in topics:
        date = now.date().isoformat()
        if _do_classify(config, topic, data, now) and _do_summarize(config, topic, date, data):
            produced += _do_render(data, site, topic.id, date, base_url)
    return EXIT_OK if produced else EXIT_NOTHING


def _fetch(args: argparse.Namespace) -> int:
    config, topics, now = _setup(args)
    runs = _do_fetch(config, topics, open_store(args.data), now)
    return EXIT_OK if any(run.articles for run in runs) else EXIT_NOTHING


def _classify(args: argparse.Namespace) -> int:
    config, topics, now = _setup(args)
    if args.date and not args.now:
        # Re-classifying a past day: the window ends at the close of that day.
        now = datetime.combine(_parse_date(args.date), time.max, UTC).replace(microsecond=999000)
    data = open_store(args.data)
    produced = sum(_do_classify(config, topic, data, now) for topic in topics)
    return EXIT_OK if produced else EXIT_NOTHING


def _summarize(args: argparse.Namespace) -> int:
    config, topics, now = _setup(args)
    date = args.date or now.date().isoformat()
    _parse_date(date)
    data = open_store(args.data)
    produced = sum(_do_summarize(config, topic, date, data) for topic in topics)
    return EXIT_OK if produced else EXIT_NOTHING


def _render(args: argparse.Namespace) -> int:
    from newsprism.render import render_all

    _, topics, now = _setup(args)
    base_url = _base_url(args)
    data, site = open_store(args.data), open_store(args.site)
    if args.all:
        keys = render_all(data, site, base_url=base_url)
        _say(f"rendered {len(keys)} files to {site.uri}")
        return EXIT_OK if keys else EXIT_NOTHING
    date = args.date or now.date().isoformat()
    _parse_date(date)
    produced = sum(_do_render(data, site, topic.id, date, base_url) for topic in topics)
    return EXIT_OK if produced else EXIT_NOTHING


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    root = Path(args.site)
    if not (root / "index.html").is_file():
        raise UsageError(f"{root}: no site here yet (run 'make demo' or 'newsprism run' first)")
    serve(root, args.port)
    return EXIT_OK


# -- stage calls with progress on stderr ---------------------------------------------------


def _do_fetch(config: Config, topics: list[Topic], data: Store, now: datetime) -> list[RawRun]:
    from newsprism.fetch import fetch_topics

    # The configuration's warnings are about what its feeds gather: said once, where they are
    # fetched, and never in front of a usage error's one line.
    for warning in config.warnings:
        _say(f"warning: {warning}")

    def progress(topic: Topic, report: FeedReport) -> None:
        label = f"{topic.id}/{report.perspective}"
        if report.status == "error":
            _say(f"error  {label:<24} {report.error}  {report.url}")
        else:
            _say(f"{report.status:<6} {label:<24} {report.articles} articles  {report.url}")

    return fetch_topics(config, topics, data, now, progress=progress)


def _do_classify(config: Config, topic: Topic, data: Store, now: datetime) -> bool:
    from newsprism.classify import NothingToList, classify_topic

    try:
        classified = classify_topic(config, topic, data, now)
    except NothingToList as exc:
        _say(f"no digest: {exc}")
        return False
    counts = ", ".join(f"{p.name} {classified.count(p.id)}" for p in classified.perspectives)
    if classified.others:
        counts += f", other countries {len(classified.others)}"
    _say(f"classified {topic.id} {classified.date}: {len(classified.articles)} articles ({counts})")
    return True


def _do_summarize(config: Config, topic: Topic, date: str, data: Store) -> bool:
    from newsprism.summarize import summarize_topic

    try:
        summarize_topic(config, topic.id, date, data)
    except (NotFound, SchemaError) as exc:
        _say(f"no digest: {topic.id} {date}: nothing classified to summarize ({exc})")
        return False
    return True


def _do_render(data: Store, site: Store, topic_id: str, date: str,
               base_url: str | None = None) -> bool:
    from newsprism.render import render_digest

    try:
        render_digest(data, site, topic_id, date, base_url=base_url)
    except NotFound as exc:
        _say(f"no page: {topic_id} {date}: no stored digest ({exc})")
        return False
    except SchemaError as exc:  # a damaged digest or site manifest; the message says which
        _say(f"no page: {topic_id} {date}: {exc}")
        return False
    where = (site.root if isinstance(site, FileStore) else site.uri)
    _say(f"digest: {where}/{topic_id}/{date}.md")
    _say(f"page:   {where}/{topic_id}/{date}/index.html")
    return True


# -- helpers -------------------------------------------------------------------------------


def _setup(args: argparse.Namespace) -> tuple[Config, list[Topic], datetime]:
    config = load_config(args.config)
    topics = config.select(args.topic)
    if not topics:
        raise ConfigError(f"{config.source}: topics: no active topic to run")
    return config, topics, _parse_now(args.now)


def _base_url(args: argparse.Namespace) -> str | None:
    from newsprism.render import BaseURLError, parse_base_url

    try:
        return parse_base_url(args.base_url)
    except BaseURLError as exc:
        raise UsageError(f"--base-url: {exc}") from exc


def _parse_now(text: str | None) -> datetime:
    if not text:
        now = datetime.now(UTC)
        return now.replace(microsecond=now.microsecond // 1000 * 1000)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"--now: not an ISO 8601 time: {text!r}") from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _parse_date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError as exc:
        raise UsageError(f"--date: expected YYYY-MM-DD, got {text!r}") from exc


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)

