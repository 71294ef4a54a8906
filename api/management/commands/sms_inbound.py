"""python manage.py sms_inbound PHONE TEXT: act on a text as if it had come from PHONE.

For trying the offer loop on a machine without Twilio (the demo prints texts
to the console): `python manage.py sms_inbound +46701740605 "JA 4821"`.
"""

from __future__ import annotations

import uuid
from argparse import ArgumentParser
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ambassadors.outbox import inbound_record
from api.sms_router import sms_handle


class Command(BaseCommand):
    help = "Act on a text as if PHONE had sent it, and print the answer."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("phone", help="the sender, e.g. +46701740605")
        parser.add_argument("text", help='what they wrote, e.g. "JA 4821"')

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SMS_BACKEND == "twilio":
            raise CommandError(
                "Texts reach this service through Twilio's webhook when SMS_BACKEND=twilio."
            )
        try:
            number = phonenumbers.parse(options["phone"], "SE")
        except phonenumbers.NumberParseException as error:
            raise CommandError(f"{options['phone']!r} is not a phone number: {error}") from None
        sender = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        with transaction.atomic():
            inbound = inbound_record(
                message_sid=f"local-{uuid.uuid4().hex}",
                from_number=sender,
                to_number="",
                body=options["text"],
                opt_out_type="",
            )
            assert inbound is not None  # a fresh id is never a replay
            answer = sms_handle(inbound=inbound)
            inbound.refresh_from_db()
        self.stdout.write(f"Read as: {inbound.intent}. {inbound.outcome or 'Nothing changed.'}")
        self.stdout.write(f"Answer: {answer}" if answer else "No answer is sent back.")
