from __future__ import annotations

import os
import sys
from typing import Iterator

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from fake_server import FakeServer  # noqa: E402

KEY = "sl_live_0123456789abcdefghijklmnopqrstuv"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    yield fake
    fake.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
