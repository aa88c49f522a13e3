"""The official Python client for the SmartLinks API.

    from smartlinks import SmartLinks

    client = SmartLinks()  # SMARTLINKS_API_KEY and SMARTLINKS_BASE_URL
    link = client.links.create("https://example.com/product/123", short_code="spring")
"""

from ._client import AsyncSmartLinks, SmartLinks
from ._errors import *  # noqa: F403 (the error classes, listed in _errors.__all__)
from ._errors import __all__ as _error_names
from ._models import *  # noqa: F403 (the models, listed in _models.__all__)
from ._models import __all__ as _model_names
from ._operations import NOT_GIVEN
from ._pagination import AsyncPage, AsyncPager, SyncPage
from ._transport import USER_AGENT
from ._version import __version__

__all__ = [
    "SmartLinks",
    "AsyncSmartLinks",
    "SyncPage",
    "AsyncPage",
    "AsyncPager",
    "NOT_GIVEN",
    "USER_AGENT",
    "__version__",
    *_error_names,
    *_model_names,
]
