"""``kimtrain serve``: the workshop server phones open over the room's Wi-Fi."""

from __future__ import annotations

import argparse
import errno
import secrets
import socket

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import say
from kimtrain.errors import CourseError, KimtrainError
from kimtrain.i18n import t
from kimtrain.oscompat import disable_quickedit, is_windows, use_selector_event_loop

DEFAULT_PORT = 8866
DEFAULT_TOTAL = 40  # ~58 MiB each: about 2.3 GB for kernels on the trainer's laptop
DEFAULT_PER_CLIENT = 4  # a test, a module, a reload under way
DEFAULT_CONNECT_TIMEOUT = 60.0
DEFAULT_WARM = 4  # kernels per test run ahead: 30 phones arriving over a minute open at once


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if not is_windows():  # there SO_REUSEADDR lets a second server take a used port
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host or "0.0.0.0", port))
        except OSError as exc:
            key = "serve.port_in_use" if exc.errno == errno.EADDRINUSE else "serve.port_failed"
            raise KimtrainError(key, port=port, reason=exc.strerror or str(exc)) from exc


def windows_guards(transport: str, platform: str | None = None) -> str:
    """What Windows needs before the server starts; returns the kernel transport to use.

    A click in the classic console (QuickEdit) would pause the server until a key is
    pressed; Tornado and pyzmq want the selector event loop; kernels there have no
    ``ipc`` transport."""
    if not is_windows(platform):
        return transport
    disable_quickedit(platform)
    use_selector_event_loop(platform)
    return "tcp"


def serve(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.course.roster import load_roster
    from kimtrain.i18n import get_language
    from kimtrain.serve.network import qr_terminal, server_urls
    from kimtrain.serve.workshop import prepare_workshop

    try:
        from kimtrain.serve.app import WorkshopServer, server_config
    except ImportError as exc:
        raise KimtrainError("serve.needs_extra", reason=str(exc)) from exc

    course = open_course(args.course)
    transport = windows_guards(args.transport)

    def release(name: str) -> None:
        from kimtrain.course.nbgrader_api import Nbgrader

        say(t("serve.releasing", name=name))
        Nbgrader(course).generate(name)

    try:
        workshop = prepare_workshop(course, args.names or None, modules=args.modul,
                                    lang=get_language(), release=release)
    except CourseError as exc:  # a hub service starts before anything is released
        if not (args.hub and exc.key == "serve.nothing"):
            raise
        from kimtrain.hub.serving import empty_workshop

        workshop = empty_workshop(course)
    config = server_config(args.host, args.port, transport=transport,
                           warm=0 if args.hub else args.warm,
                           warm_paths=[a.url.removeprefix("/voila/render/")
                                       for a in workshop.assessments])
    hub = None
    if args.hub:  # a JupyterHub service: the hub's address, login and groups
        from kimtrain.hub.serving import hub_server

        hub, args.host, args.port, prefix = hub_server(course, config)
        args.no_qr = True
    _check_port(args.host, args.port)
    urls = server_urls(args.host, args.port)
    key = secrets.token_urlsafe(9)

    say(t("serve.started", course=course.course_id))
    for a in workshop.assessments:
        say(f"  - {t('serve.list.assessment', title=a.title, count=a.items)}")
    for m in workshop.modules:
        say(f"  - {t('serve.list.module', title=m.title)}")
    roster = load_roster(course)
    say(t("serve.roster", count=len(roster)) if roster else t("serve.roster_empty"))
    if roster and hub is None:  # on a hub the login is the identity: no PINs
        from kimtrain.serve.identity import ensure_pins

        made = ensure_pins(course.root, [p.id for p in roster])
        if made:
            say(t("serve.pins.made", count=len(made)))
    say()
    say(t("serve.open"))
    for url in urls:
        say(f"    {url}")
    if not args.no_qr:
        say(qr_terminal(urls[0]))
    if hub is not None:
        say(t("hub.serve.trainer", url=f"{prefix}pelatih", group=hub.trainer_group))
    else:
        say(t("serve.trainer_here", url=f"http://127.0.0.1:{args.port}/pelatih"))
        say(t("serve.trainer_other", url=f"{urls[0]}pelatih?kunci={key}"))
        say(t("results.serve.screen", url=f"http://127.0.0.1:{args.port}/pelatih/layar"))
    say(t("serve.stop"))

    from kimtrain.serve.limits import KernelLimits

    limits = KernelLimits(total=args.max_kernels, per_client=args.max_kernels_per_client,
                          connect_timeout=args.connect_timeout)
    from kimtrain.serve.light import light_cells

    # Tests with a light page need no kernel: warm kernels only for Voilà's test pages.
    # On a hub the light page is off: it takes identity from a code and PIN, the hub's
    # pages from the hub login (kimtrain.hub).
    light = not args.voila and hub is None
    voila_tests = [a for a in workshop.assessments if not light
                   or light_cells(a.folder / f"{a.name}.ipynb", a.name) is None]
    if hub is None:
        config = server_config(args.host, args.port, transport=transport, warm=args.warm,
                               warm_paths=[a.url.removeprefix("/voila/render/")
                                           for a in voila_tests])
    server = WorkshopServer(config=config, workshop=workshop, urls=urls, trainer_key=key,
                            limits=limits, light=light, hub=hub)
    server.custom_display_url = urls[0]  # Voilà's own line: the address phones can use
    server.initialize()
    server.start()
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help=t("cli.serve"), description=t("cli.serve"))
    parser.add_argument("names", nargs="*", metavar="NAME", help=t("cli.serve.names"))
    add_course_option(parser)
    parser.add_argument("--host", default="0.0.0.0", help=t("cli.serve.host"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("cli.serve.port"))
    parser.add_argument("--modul", action="append", default=[], metavar="DIR",
                        help=t("cli.serve.modul"))
    parser.add_argument("--no-qr", action="store_true", help=t("cli.serve.no_qr"))
    parser.add_argument("--warm", type=int, default=DEFAULT_WARM, metavar="N",
                        help=t("cli.serve.warm"))
    parser.add_argument("--voila", action="store_true", help=t("cli.serve.voila"))
    parser.add_argument("--transport", choices=("tcp", "ipc"), default="tcp",
                        help=t("cli.serve.transport"))
    parser.add_argument("--max-kernels", type=int, default=DEFAULT_TOTAL, metavar="N",
                        help=t("cli.serve.max_kernels"))
    parser.add_argument("--max-kernels-per-client", type=int, default=DEFAULT_PER_CLIENT,
                        metavar="N", help=t("cli.serve.max_per_client"))
    parser.add_argument("--connect-timeout", type=float, default=DEFAULT_CONNECT_TIMEOUT,
                        metavar="S", help=t("cli.serve.connect_timeout"))
    parser.add_argument("--hub", action="store_true", help=t("cli.serve.hub"))
    parser.set_defaults(func=serve)
