"""The hub's part of ``kimtrain init`` and ``kimtrain roster import`` (thin)."""

from __future__ import annotations

import argparse
import os

from kimtrain.commands._output import say
from kimtrain.course.layout import Course
from kimtrain.i18n import t

__all__ = ["add_init_arguments", "enrol_after_import", "enrol_roster", "init_hub"]


def add_init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hub", action="store_true", help=t("cli.init.hub"))
    parser.add_argument("--hub-api", metavar="URL", help=t("cli.init.hub_api"))
    parser.add_argument("--hub-login", choices=("code", "email"), default="code",
                        help=t("cli.init.hub_login"))
    parser.add_argument("--instructor", action="append", default=[], metavar="USER",
                        help=t("cli.init.instructor"))
    parser.add_argument("--service-port", type=int, default=8866, metavar="PORT",
                        help=t("cli.init.service_port"))
    parser.add_argument("--service-user", metavar="OS_USER", help=t("cli.init.service_user"))


def init_hub(course: Course, args: argparse.Namespace, exchange: str) -> None:
    from kimtrain.hub.setup import DEFAULT_API, HubSettings, configure_hub

    settings = HubSettings(
        course_id=course.course_id, exchange=exchange,
        api_url=args.hub_api or os.environ.get("JUPYTERHUB_API_URL") or DEFAULT_API,
        login=args.hub_login, instructors=[name.strip().lower() for name in args.instructor],
        service_port=args.service_port, service_user=_service_user(args.service_user))
    for path in configure_hub(course, settings):
        say(t("hub.init.wrote", path=str(path)))
    say(t("hub.init.next", course_id=course.course_id))


def _service_user(chosen: str | None) -> str:
    """The OS user the service runs as: the one named, else whoever makes the course
    (files the service writes stay the trainer's); none when that is root."""
    if chosen:
        return chosen
    import getpass

    who = getpass.getuser()
    return "" if who == "root" else who


def enrol_roster(course: Course) -> tuple[str, list[str]] | None:
    """Create the roster's hub users and add them to ``nbgrader-<course>``; ``None``
    for a course not made for a hub. Raises :class:`~kimtrain.hub.api.HubAPIError`."""
    from kimtrain.course.roster import load_contacts, load_roster
    from kimtrain.hub.api import HubAPI, hub_token
    from kimtrain.hub.names import hub_username
    from kimtrain.hub.setup import load_hub_settings

    settings = load_hub_settings(course)
    if settings is None:
        return None
    emails = {c.id: c.email for c in load_contacts(course)}
    names = [hub_username(p.id, emails.get(p.id, ""), by_email=settings.login == "email")
             for p in load_roster(course)]
    api = HubAPI(settings.api_url, hub_token())
    api.create_users(names)
    api.enrol(settings.student_group, names)
    return settings.student_group, names


def enrol_after_import(course: Course) -> int:
    """After a roster import: enrol on the hub; a hub that cannot be reached is a clear
    message and exit status 3 (the roster itself is imported)."""
    from kimtrain.hub.api import HubAPIError

    try:
        done = enrol_roster(course)
    except HubAPIError as exc:
        say(str(exc))
        say(t("hub.enrol.retry"))
        return 3
    if done is not None:
        say(t("hub.enrol.done", group=done[0], count=len(done[1])))
    return 0


def _enrol(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.errors import CourseError

    course = open_course(args.course)
    from kimtrain.hub.setup import load_hub_settings

    if load_hub_settings(course) is None:
        raise CourseError("hub.enrol.not_hub", path=str(course.root))
    return enrol_after_import(course)


def register_enrol(roster_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``kimtrain roster enrol``: (again) enrol the roster in the course's hub group."""
    parser = roster_sub.add_parser("enrol", help=t("cli.roster.enrol"),
                                   description=t("cli.roster.enrol"))
    parser.add_argument("--course", default=".", help=t("cli.course"))
    parser.set_defaults(func=_enrol)
