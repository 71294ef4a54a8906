"""python manage.py match [--dry-run] [--json] | match --instance FILE --json"""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ambassadors.models import Language, Municipality
from ambassadors.selectors import travel_minutes
from matching import graph
from matching.instance import InstanceError, instance_parse
from matching.models import MatchRun
from matching.services import match_compute, match_run, weights

# Bad input exits with 2, as argparse does for a bad command line.
BAD_INPUT = 2


def _report(result: graph.Result, seconds: float) -> dict[str, Any]:
    return {
        "matches": [
            {
                "request": pairing.request,
                "ambassador": pairing.ambassador,
                "score": pairing.score,
                "reasons": pairing.reasons.as_dict(),
            }
            for pairing in result.matches
        ],
        "unmatched": result.unmatched,
        "objective": result.objective,
        "seconds": round(seconds, 4),
    }


class Command(BaseCommand):
    help = (
        "Propose an ambassador for every waiting buddy request (best total fit, "
        "most households first), or solve an instance read from a JSON file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Compute the proposals but store nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument(
            "--instance",
            type=Path,
            metavar="FILE",
            help="Solve the instance in FILE instead of the database; no rows are touched.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["instance"]:
            self._solve_file(options["instance"])
            return
        started = time.perf_counter()
        if options["dry_run"]:
            result = match_compute().result
            summary = (
                f"Dry run: {len(result.matches)} proposals, {len(result.unmatched)} unmatched, "
                f"total score {result.objective:.1f}. Nothing was stored."
            )
        else:
            run, result = match_run(trigger=MatchRun.Trigger.COMMAND)
            summary = (
                f"Run {run.id}: {run.matched} proposals for {run.requests} waiting requests "
                f"({run.ambassadors} ambassadors with room), total score {run.objective:.1f}, "
                f"{run.seconds:.2f} s."
            )
        if options["json"]:
            self.stdout.write(json.dumps(_report(result, time.perf_counter() - started)))
        else:
            self.stdout.write(summary)

    def _solve_file(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(
                f"Cannot read {path}: {error.strerror}.", returncode=BAD_INPUT
            ) from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not valid JSON: {error.msg} at line {error.lineno}, "
                f"column {error.colno}.",
                returncode=BAD_INPUT,
            ) from None
        try:
            instance = instance_parse(
                data,
                languages=set(Language.objects.values_list("code", flat=True)),
                municipalities=set(Municipality.objects.values_list("code", flat=True)),
            )
        except InstanceError as error:
            raise CommandError(f"{path}: {error}", returncode=BAD_INPUT) from None
        started = time.perf_counter()
        result = graph.solve(
            instance.requests,
            instance.ambassadors,
            travel_minutes(),
            instance.exclusions,
            weights(),
        )
        self.stdout.write(json.dumps(_report(result, time.perf_counter() - started)))
