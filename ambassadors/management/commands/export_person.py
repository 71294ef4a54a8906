"""python manage.py export_person PHONE: everything held about a person, as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ambassadors.audit import audit_record
from ambassadors.models import AuditEvent
from ambassadors.privacy import person_export, person_find
from ambassadors.services import ApplicationError


class Command(BaseCommand):
    help = "Print everything held about the person with this phone number as JSON, by table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("phone", help="the person's mobile number, e.g. 070-174 06 05")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            person = person_find(phone=options["phone"])
            export = person_export(phone=person.phone)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        for row in person.rows:
            audit_record(action=AuditEvent.Action.EXPORT, subject=row, via="command:export_person")
        self.stdout.write(json.dumps(export, ensure_ascii=False, indent=2))
