"""Headless Chromium driven over the Chrome DevTools Protocol, with the standard library only.

Chromium's ``--remote-debugging-pipe`` reads protocol commands from file descriptor 3 and
writes replies and events to descriptor 4, each message JSON ended by a NUL byte: no
websocket, no port, no extra package. A ``Tab`` records what a reader's browser would notice
(console messages, script errors, failed or foreign requests) while the test drives it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ProtocolError(RuntimeError):
    """Chromium answered a command with an error, closed the pipe or did not answer."""


def find_chromium() -> str | None:
    """The browser's path: $CHROMIUM, else the first of the usual names on PATH."""
    if explicit := os.environ.get("CHROMIUM"):
        return explicit if Path(explicit).is_file() else None
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    return None


class Browser:
    """One headless Chromium process and its protocol pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser_read, self._writer = os.pipe()
        self._reader, from_browser_write = os.pipe()

        def wire_pipes() -> None:  # in the child, before exec: the pipe on fds 3 and 4
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self.process = subprocess.Popen(
            [executable, "--headless", "--remote-debugging-pipe", "--no-sandbox",
             "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
             "--force-color-profile=srgb", f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire_pipes,  # dup2 takes no lock: safe with threads
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, params: dict[str, Any] | None = None, *,
             session: str | None = None, timeout: float = 30.0) -> dict[str, Any]:
        """Send one command and wait for its answer; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method,
                                   "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._writer, data):]
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline, method)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ProtocolError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str, *, since: int, session: str,
                 timeout: float = 30.0) -> dict[str, Any]:
        """The first event ``method`` of ``session`` received after event number ``since``."""
        deadline = time.monotonic() + timeout
        position = since
        while True:
            for event in self.events[position:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            position = len(self.events)
            self.events.append(self._receive(deadline, method))

    def drain(self, seconds: float) -> None:
        """Keep the events that arrive within ``seconds`` (late requests, console messages)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.events.append(self._receive(deadline, "drain"))
            except TimeoutError:
                return

    def _receive(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"chromium: no answer to {waiting_for}")
            ready, _, _ = select.select([self._reader], [], [], remaining)
            if ready:
                chunk = os.read(self._reader, 1 << 16)
                if not chunk:
                    raise ProtocolError(f"chromium closed the pipe (waiting for {waiting_for})")
                self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return dict(json.loads(raw))

    def close(self) -> None:
        with contextlib.suppress(ProtocolError, TimeoutError, OSError):
            self.call("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._writer)
        os.close(self._reader)


@dataclass
class Tab:
    """A page in the browser, with what it reported since it was opened."""

    browser: Browser
    session: str
    allowed_origin: str  # requests anywhere else are reported
    seen: int = 0  # events already looked at
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser: Browser, allowed_origin: str) -> Tab:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget",
                               {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.call(f"{domain}.enable", session=session)
        # Nothing from the cache: every load asks the server, so every request is seen.
        browser.call("Network.setCacheDisabled", {"cacheDisabled": True}, session=session)
        return cls(browser, session, allowed_origin, seen=len(browser.events))

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, session=self.session)

    def goto(self, url: str) -> None:
        """Load ``url`` and wait for its load event and the requests that follow it."""
        mark = len(self.browser.events)
        self.call("Page.navigate", {"url": url})
        self.browser.wait_for("Page.loadEventFired", since=mark, session=self.session)
        self.browser.drain(0.15)
        self._collect()

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression (DevTools evaluation: the page's CSP,
        which forbids every script of the page's own, does not apply to it)."""
        result = self.call("Runtime.evaluate", {"expression": expression,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            raise ProtocolError(f"evaluate: {result['exceptionDetails']}")
        return result["result"].get("value")

    def set_viewport(self, width: int, height: int, *, mobile: bool = False,
                     dark: bool = False) -> None:
        self.call("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        self.call("Emulation.setEmulatedMedia", {"features": [
            {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})

    def screenshot(self, path: Path, *, full_page: bool = True,
                   clip_height: int | None = None) -> None:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        if clip_height:
            width = self.evaluate("document.documentElement.clientWidth")
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": clip_height,
                              "scale": 1}
        data = self.call("Page.captureScreenshot", params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def _collect(self) -> None:
        """Turn the new events of this tab into problems a reader would notice."""
        events = self.browser.events[self.seen:]
        self.seen = len(self.browser.events)
        for event in events:
            if event.get("sessionId") != self.session:
                continue
            params = event.get("params", {})
            match event.get("method"):
                case "Runtime.exceptionThrown":
                    self.problems.append(f"script error: {params['exceptionDetails']}")
                case "Runtime.consoleAPICalled" if params.get("type") in ("error", "warning"):
                    self.problems.append(f"console {params['type']}: {params.get('args')}")
                case "Log.entryAdded" if params["entry"]["level"] in ("error", "warning"):
                    entry = params["entry"]
                    self.problems.append(f"console {entry['level']}: {entry.get('text')} "
                                         f"({entry.get('url', '')})")
                case "Network.requestWillBeSent":
                    url = params["request"]["url"]
                    self.requests.append(url)
                    if not url.startswith(self.allowed_origin):
                        self.problems.append(f"request to another origin: {url}")
                case "Network.responseReceived" if params["response"]["status"] >= 400:
                    response = params["response"]
                    self.problems.append(f"HTTP {response['status']}: {response['url']}")
                case "Network.loadingFailed":
                    self.problems.append(f"failed request: {params.get('errorText')} "
                                         f"({params.get('type')})")
