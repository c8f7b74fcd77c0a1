"""``kimtrain lab [--dir DIR]``: open JupyterLab on a working copy of the curriculum."""

from __future__ import annotations

import argparse
import os
import shlex

from kimtrain.commands._output import say
from kimtrain.context import LANG
from kimtrain.i18n import get_language, t


def lab(args: argparse.Namespace) -> int:
    import subprocess

    from kimtrain.lab import lab_command, prepare_workspace

    lang = get_language()
    workspace = prepare_workspace(args.dir, lang=lang)
    if workspace.copied:
        say(t("lab.copied", count=len(workspace.copied), path=str(workspace.path)))
    if workspace.kept:
        say(t("lab.kept", count=len(workspace.kept), path=str(workspace.path)))
    if lang == "id":
        say(t("lab.language.id") if workspace.locale != "en" else t("lab.language.missing"))
    command = lab_command(workspace, port=args.port, open_browser=not args.no_browser)
    if args.dry_run:
        say(t("lab.command", command=shlex.join(command)))
        return 0
    say(t("lab.starting", path=str(workspace.path)))
    from kimtrain.oscompat import disable_quickedit

    disable_quickedit()  # Windows: a click in this console would pause JupyterLab
    # The kernels inherit the language, so practice feedback matches the interface.
    env = {**os.environ, LANG: lang}
    return subprocess.call(command, cwd=workspace.path, env=env)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("lab", help=t("cli.lab"), description=t("cli.lab"))
    parser.add_argument("--dir", default="kurikulum-kim", help=t("cli.lab.dir"))
    parser.add_argument("--port", type=int, default=8888, help=t("cli.lab.port"))
    parser.add_argument("--no-browser", action="store_true", help=t("cli.lab.no_browser"))
    parser.add_argument("--dry-run", action="store_true", help=t("cli.lab.dry_run"))
    parser.set_defaults(func=lab)
