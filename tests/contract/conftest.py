"""Twilio's contract: Prism on Twilio's OpenAPI, once per run, behind a fault-injecting proxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.twilio_contract import (
    ContractSetupError,
    TwilioProxy,
    prism_start,
    prism_stop,
)

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
# Kept next to the repository, shared with the other services.
SPEC = ROOT.parent / "shared" / "twilio" / "twilio_api_v2010.json"


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a Prism mock of Twilio's REST API (about 10 s to start)."""
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    try:
        started = prism_start(prism=PRISM, spec=SPEC, log=log)
    except ContractSetupError as error:
        # No skip: a missing mock must not pass for a passing contract.
        pytest.fail(str(error), pytrace=False)
    yield started.url
    prism_stop(started)


@pytest.fixture(scope="session")
def twilio_proxy(prism: str) -> Iterator[TwilioProxy]:
    proxy = TwilioProxy(prism)
    yield proxy
    proxy.close()


@pytest.fixture
def twilio_api(settings: Any, twilio_proxy: TwilioProxy) -> TwilioProxy:
    """Texts go to Twilio's contract mock through the proxy; the proxy is returned."""
    twilio_proxy.reset()
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
    settings.TWILIO_AUTH_TOKEN = "contract-test-auth-token"
    # A Swedish 010 number that phonenumbers holds valid, as the settings demand.
    settings.TWILIO_FROM_NUMBER = "+46101380000"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE_URL = twilio_proxy.url
    settings.PUBLIC_BASE_URL = "https://welcome.example.se"
    return twilio_proxy
