"""The ``newsprism`` command line: the same stage functions the Lambda handlers call.

Exit status (docs/design.md, "Command line"): 0 when a digest was produced (even if some
feeds failed, which the report says), 2 on bad configuration or arguments, 1 when nothing was
produced.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, time
from pathlib import Path

from newsprism.config import Config, ConfigError, Topic, load_config
from newsprism.documents import FeedReport, RawRun, SchemaError

from ._cli_args import (
    UsageError,
    VersionAction,
    check_port,
    checked_store,
    describe_failure,
    parse_date,
    parse_now,
)
from .store import NotFound, Store

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2
# The SSRF guard's refusal of an address (fetch/_netguard.py): the report keeps its short
# reason, the terminal also learns the setting that lifts it.
_REFUSED_ADDRESS = re.compile(r"refused (?:\S+: )?[a-z-]+ address \S+")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (ConfigError, UsageError) as exc:
        print(f"newsprism: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A store failing mid-run (a full disk, a bucket gone): stores write each object
        # atomically, so nothing partial is left and every earlier file is intact.
        reason = describe_failure(exc)
        if reason is None:
            raise
        print(f"newsprism: error: {reason}", file=sys.stderr)
        return EXIT_NOTHING


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsprism", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action=VersionAction)
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
    data, site = checked_store(args.data, "--data"), checked_store(args.site, "--site")
    _do_fetch(config, topics, data, now)
    produced = 0
    for topic in topics:
        date = now.date().isoformat()
        if _do_classify(config, topic, data, now) and _do_summarize(config, topic, date, data):
            produced += _do_render(data, site, topic.id, date, base_url)
    return EXIT_OK if produced else EXIT_NOTHING


def _fetch(args: argparse.Namespace) -> int:
    config, topics, now = _setup(args)
    runs = _do_fetch(config, topics, checked_store(args.data, "--data"), now)
    return EXIT_OK if any(run.articles for run in runs) else EXIT_NOTHING


def _classify(args: argparse.Namespace) -> int:
    config, topics, now = _setup(args)
    day = parse_date(args.date) if args.date else None
    if day is not None and not args.now:
        # Re-classifying a past day: the window ends at the close of that day.
        now = datetime.combine(day, time.max, UTC).replace(microsecond=999000)
    data = checked_store(args.data, "--data")
    produced = sum(_do_classify(config, topic, data, now) for topic in topics)
    return EXIT_OK if produced else EXIT_NOTHING


def _summarize(args: argparse.Namespace) -> int:
    config, topics, now = _setup(args)
    date = args.date or now.date().isoformat()
    parse_date(date)
    data = checked_store(args.data, "--data")
    produced = sum(_do_summarize(config, topic, date, data) for topic in topics)
    return EXIT_OK if produced else EXIT_NOTHING


def _render(args: argparse.Namespace) -> int:
    from newsprism.render import RenderIncomplete, render_all

    _, topics, now = _setup(args)
    base_url = _base_url(args)
    date = args.date or now.date().isoformat()
    parse_date(date)
    # Render only reads the data: a read-only role or directory will do.
    data = checked_store(args.data, "--data", write=False)
    site = checked_store(args.site, "--site")
    if args.all:
        try:
            keys = render_all(data, site, base_url=base_url)
        except RenderIncomplete as exc:  # published the rest; kept what it could not read
            _say(f"rendered {_count(len(exc.written), 'file')} to {site.uri}")
            _say(f"error: {exc}")
            return EXIT_NOTHING
        _say(f"rendered {_count(len(keys), 'file')} to {site.uri}")
        return EXIT_OK if keys else EXIT_NOTHING
    produced = sum(_do_render(data, site, topic.id, date, base_url) for topic in topics)
    return EXIT_OK if produced else EXIT_NOTHING


def _serve(args: argparse.Namespace) -> int:
    from .serve import make_server, serve

    port = check_port(args.port)
    root = Path(args.site)
    if not (root / "index.html").is_file():
        raise UsageError(f"{root}: no site here yet (run 'make demo' or 'newsprism run' first)")
    try:
        server = make_server(root, port)
    except OSError as exc:
        reason = ("is in use" if exc.errno == errno.EADDRINUSE
                  else f"cannot be listened on ({exc.strerror or exc})")
        raise UsageError(f"--port: 127.0.0.1:{port} {reason}") from exc
    serve(server, root)
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
            hint = (" (fetch.allow_private_networks = true allows it)"
                    if _REFUSED_ADDRESS.fullmatch(report.error) else "")
            _say(f"error  {label:<24} {report.error}{hint}  {report.url}")
        else:
            _say(f"{report.status:<6} {label:<24} {_count(report.articles, 'article')}  "
                 f"{report.url}")

    runs = fetch_topics(config, topics, data, now, progress=progress)
    for run in runs:
        _say(f"stored {data.uri}/{run.key}: {_count(len(run.articles), 'article')}")
    return runs


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
    _say(f"classified {topic.id} {classified.date}: "
         f"{_count(len(classified.articles), 'article')} ({counts})")
    _say(f"{_written(classified.unchanged)} {data.uri}/{classified.key}")
    return True


def _do_summarize(config: Config, topic: Topic, date: str, data: Store) -> bool:
    from newsprism.summarize import summarize_topic

    try:
        digest = summarize_topic(config, topic.id, date, data)
    except (NotFound, SchemaError) as exc:
        _say(f"no digest: {topic.id} {date}: nothing classified to summarize ({exc})")
        return False
    if digest.unchanged and digest.summarizer != "extractive":
        # Said, since a rerun meant to get new highlights would otherwise silently get none.
        _say(f"kept {digest.key}: {digest.summarizer} summarized this selection with these "
             "settings already (delete the digest to ask again)")
        return True
    bullets = len(digest.highlights.overall) + sum(
        len(section) for section in digest.highlights.perspectives.values())
    _say(f"summarized {topic.id} {date}: {_count(bullets, 'highlight')} ({digest.summarizer})")
    _say(f"{_written(digest.unchanged)} {data.uri}/{digest.key}")
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
    _say(f"digest: {site.uri}/{topic_id}/{date}.md")
    _say(f"page:   {site.uri}/{topic_id}/{date}/index.html")
    return True


# -- helpers -------------------------------------------------------------------------------


def _setup(args: argparse.Namespace) -> tuple[Config, list[Topic], datetime]:
    config = load_config(args.config)
    topics = config.select(args.topic)
    if not topics:
        raise ConfigError(f"{config.source}: topics: no active topic to run")
    return config, topics, parse_now(args.now)


def _base_url(args: argparse.Namespace) -> str | None:
    from newsprism.render import BaseURLError, parse_base_url

    try:
        return parse_base_url(args.base_url)
    except BaseURLError as exc:
        raise UsageError(f"--base-url: {exc}") from exc


def _count(number: int, noun: str) -> str:
    """``1 article``, ``0 articles``, ``2 articles``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _written(unchanged: bool) -> str:
    # A document with the stored bytes is not written again (its stage marks it unchanged).
    return "unchanged" if unchanged else "stored"


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)

