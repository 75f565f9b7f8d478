"""Run pyHanko's coroutines from synchronous code, whether or not this thread has an event loop.

pyHanko's sync entry points call ``asyncio.run``, which fails inside a running loop
(an async server, or Playwright's sync API in tests). Then we run the coroutine
on a short-lived worker thread instead.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")


def run_blocking(make_coroutine: Callable[[], Awaitable[T]]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()
