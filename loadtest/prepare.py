"""Write the load test's fixture: who may text us and which texts Twilio may report on.

    SMS_BACKEND=locmem python -m loadtest.prepare --out var/load/fixture.json [--texts 500]

Run after `seed_demo`, against the load test's database. It sends `--texts`
reminders to the demo ambassadors through the real outbox (with the locmem
backend, so nothing leaves the process) for the scenario's status callbacks to
report on, and writes the demo ambassadors' numbers, the texts' SIDs and the
demo coordinators' usernames to `--out`.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path


def prepare(*, texts: int) -> dict[str, object]:
    from django.conf import settings

    from ambassadors.management.commands.seed_demo import COORDINATORS, DEMO_PASSWORD
    from ambassadors.models import Ambassador, OutboundSms, Source
    from ambassadors.outbox import sms_queue, sms_send

    if settings.SMS_BACKEND != "locmem":
        raise SystemExit("Run loadtest.prepare with SMS_BACKEND=locmem: it must text nobody.")
    ambassadors = list(Ambassador.objects.filter(source=Source.DEMO, active=True).order_by("id"))
    if not ambassadors:
        raise SystemExit("No demo ambassadors: run `manage.py seed_demo` first.")
    for index in range(texts):
        ambassador = ambassadors[index % len(ambassadors)]
        message = sms_queue(
            to=ambassador.phone,
            purpose=OutboundSms.Purpose.REMINDER,
            body="Påminnelse: nätverksträffen i morgon kl. 18.00.",
            language="sv",
            ambassador=ambassador,
            send_now=False,
        )
        sms_send(message_id=message.id)
    sids = list(
        OutboundSms.objects.filter(
            purpose=OutboundSms.Purpose.REMINDER, twilio_sid__startswith="locmem-"
        )
        .order_by("-id")
        .values_list("twilio_sid", flat=True)[:texts]
    )
    return {
        "ambassador_phones": [str(ambassador.phone) for ambassador in ambassadors],
        "outbound_sids": [sid for sid in sids if sid],
        "coordinators": [username for username, *_rest in COORDINATORS],
        "password": DEMO_PASSWORD,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.prepare", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON")
    parser.add_argument("--texts", type=int, default=500, help="texts to report on")
    arguments = parser.parse_args(argv)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    fixture = prepare(texts=arguments.texts)
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(fixture, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
