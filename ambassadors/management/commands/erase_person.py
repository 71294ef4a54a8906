"""python manage.py erase_person PHONE [--yes]: erase everything held about a person."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ambassadors.privacy import person_erase, person_find
from ambassadors.services import ApplicationError


class Command(BaseCommand):
    help = (
        "Erase the ambassador and every buddy request with this phone number (any spelling): "
        "anonymise what the funder's report counts, delete the rest, here and at Twilio."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("phone", help="the person's mobile number, e.g. 070-174 06 05")
        parser.add_argument("--yes", action="store_true", help="do not ask to confirm")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            person = person_find(phone=options["phone"])
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"{person.phone}: {len(person.ambassadors)} ambassador(s), "
            f"{len(person.buddy_requests)} buddy request(s)."
        )
        if not options["yes"]:
            answer = input("Erase them for good? Type yes to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        erasure = person_erase(phone=person.phone, user=None, via="command:erase_person")
        for line in erasure.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Erased."))
