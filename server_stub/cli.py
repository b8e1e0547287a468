"""``sotay-server``: run the central service and administer offices and tokens.

::

    sotay-server [--db PATH] [--json] [--lang vi|en] serve [--host H] [--port P] [--workers N]
    sotay-server office add SCOPE --name NAME      sotay-server office ls
    sotay-server office remove SCOPE               (its tokens stop at once; records stay)
    sotay-server token create --office SCOPE --role office|hq [--user NAME] [--expires-days N]
    sotay-server token ls                          sotay-server token revoke TOKEN_ID
    sotay-server export                            (JSON lines on stdout)
    sotay-server migrate                           (also done at every start, under a lock)
    sotay-server copy --from FILE.db --to postgresql://…   (into an empty database)

``--db`` (a SQLite file or a ``postgresql://`` URL) defaults to ``$SOTAY_SERVER_DB``, else
``./sotay-server.db``.  ``copy`` moves a deployment: every table, the server id and the feed
counter, tokens (hashed) as they are, so replicas sync on with their cursors.  ``serve --port 0``
picks a free port; the first stdout line names the URL actually listened on.  ``--workers N``
(PostgreSQL only: SQLite stays one process) runs N processes on that one socket; they read their
settings from the environment the parent hands on, and one that dies is started again.
``token create`` prints the token once, alone on the last stdout line; it is never stored.
``--role hq`` is only for a headquarters office (a top-level scope such as ``vn``).
``token ls`` (``list`` still works) shows each token's office, role, user, status and last
use (never the token).
Errors are one line on stderr (Vietnamese or English per ``SOTAY_LANG``/``LANG``), exit ≠ 0.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import socket
import sys
from collections.abc import Sequence
from typing import Any

import orjson
import pydantic

from domain.arguments import Parser, lang_of
from domain.dates import format_time
from domain.errors import SotayError
from domain.i18n import Lang, load_catalogues, t
from domain.runtime import tune_collector
from server_stub import auth, logs, migrations
from server_stub.db import Database
from server_stub.dialects import is_postgresql
from server_stub.errors import AdminError
from server_stub.settings import ServerSettings


def _parser(lang: Lang) -> Parser:
    def h(key: str) -> str:
        return t(f"server.cli.help.{key}", lang)

    parser = Parser(prog="sotay-server", description=h("description"), lang=lang)
    parser.add_argument("--db", default=None, help=h("db"))
    parser.add_argument("--json", action="store_true", help=h("json"))
    parser.add_argument("--lang", choices=("vi", "en"), default=None, help=h("lang"))
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help=h("serve"), description=h("serve"))
    serve.add_argument("--host", default="127.0.0.1", help=h("host"))
    serve.add_argument("--port", type=int, default=8765, help=h("port"))
    serve.add_argument("--workers", type=int, default=1, help=h("workers"))
    serve.add_argument(
        "--log-level", choices=("debug", "info", "warning", "error"), help=h("log_level")
    )

    office = _group(sub, "office", h("office"))
    add = office.add_parser("add", help=h("office_add"), description=h("office_add"))
    add.add_argument("scope", help=h("scope"))
    add.add_argument("--name", required=True, help=h("office_name"))
    _listing(office, h("office_ls"))
    remove = office.add_parser("remove", help=h("office_remove"), description=h("office_remove"))
    remove.add_argument("scope", help=h("scope"))

    token = _group(sub, "token", h("token"))
    create = token.add_parser("create", help=h("token_create"), description=h("token_create"))
    create.add_argument("--office", required=True, help=h("token_office"))
    create.add_argument("--role", required=True, choices=auth.ROLES, help=h("role"))
    create.add_argument("--user", default="", help=h("user"))
    create.add_argument("--expires-days", type=int, default=None, help=h("expires_days"))
    revoke = token.add_parser("revoke", help=h("token_revoke"), description=h("token_revoke"))
    revoke.add_argument("token_id", help=h("token_id"))
    _listing(token, h("token_ls"))

    sub.add_parser("export", help=h("export"), description=h("export"))
    sub.add_parser("migrate", help=h("migrate"), description=h("migrate"))
    copy = sub.add_parser("copy", help=h("copy"), description=h("copy"))
    for flag, dest in (("--from", "source"), ("--to", "target")):
        copy.add_argument(
            flag,
            dest=dest,
            required=True,
            metavar=t(f"server.cli.metavar.{dest}", lang),
            help=h(f"copy_{dest}"),
        )
    return parser


def _group(sub: Any, name: str, text: str) -> Any:
    """A command with actions of its own (``office add``, ``token ls``)."""
    return sub.add_parser(name, help=text, description=text).add_subparsers(
        dest="action", required=True
    )


def _listing(actions: Any, text: str) -> None:
    """``ls``, the verb ``sotay`` lists with; ``list`` still works but is not shown (a
    subcommand without ``help`` is not listed, and the actions' name is ``LỆNH``)."""
    actions.add_parser("ls", help=text, description=text)
    actions.add_parser("list", description=text)


def _settings(args: argparse.Namespace) -> ServerSettings:
    settings = ServerSettings()
    if args.db is not None:
        settings = settings.model_copy(update={"db": args.db})
    if getattr(args, "log_level", None):
        settings = settings.model_copy(update={"log_level": args.log_level})
    return settings


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _table(rows: list[list[str]]) -> None:
    if not rows:
        return
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        _out("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _when(value: Any) -> str:
    """A stored time in the administrator's local dd/mm/yyyy HH:MM; "-" for none."""
    return format_time(str(value)) if value else "-"


def _dump(data: Any) -> None:
    _out(orjson.dumps(data).decode())


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
def _office(args: argparse.Namespace, db: Database, lang: Lang) -> None:
    if args.action == "add":
        scope = auth.add_office(db, args.scope, args.name)
        if args.json:
            _dump({"scope": scope, "name": args.name.strip()})
        else:
            _out(t("server.office_added", lang, scope=scope, name=args.name.strip()))
        return
    if args.action == "remove":
        count = auth.remove_office(db, args.scope)
        if args.json:
            _dump({"scope": args.scope, "removed": True, "tokens_revoked": count})
        else:
            _out(t("server.office_removed", lang, scope=args.scope, count=count))
        return
    with db.read() as r:
        offices = r.offices()
    if args.json:
        _dump([{"scope": s, "name": n, "created_at": c} for s, n, c in offices])
    else:
        heads = [t(f"server.cli.head.{k}", lang) for k in ("scope", "name", "created")]
        _table([heads, *[[s, n, _when(c)] for s, n, c in offices]])


def _token(args: argparse.Namespace, db: Database, lang: Lang) -> None:
    if args.action == "create":
        new = auth.create_token(db, args.office, args.role, args.user, args.expires_days)
        row = new.row
        if args.json:
            _dump(
                {
                    "id": row.id,
                    "office": row.office,
                    "role": row.role,
                    "user": row.user,
                    "expires_at": row.expires_at,
                    "token": new.token,
                }
            )
        else:
            _out(t("server.token_created", lang, id=row.id, office=row.office, role=row.role))
            _out(new.token)
        return
    if args.action == "revoke":
        auth.revoke_token(db, args.token_id)
        if args.json:
            _dump({"id": args.token_id, "revoked": True})
        else:
            _out(t("server.token_revoked", lang, id=args.token_id))
        return
    with db.read() as r:
        tokens = r.tokens()
    listed = [
        {
            "id": row.id,
            "office": row.office,
            "role": row.role,
            "user": row.user,
            "status": auth.token_status(row),
            "last_used_at": row.last_used_at,
            "created_at": row.created_at,
            "expires_at": row.expires_at,
            "revoked_at": row.revoked_at,
        }
        for row in tokens
    ]
    if args.json:
        _dump(listed)
        return
    heads = [t(f"server.cli.head.{k}", lang) for k in TOKEN_COLUMNS]
    _table([heads, *[[_cell(k, item[k], lang) for k in TOKEN_COLUMNS] for item in listed]])


def _cell(column: str, value: Any, lang: Lang) -> str:
    if column == "status":
        return t(f"server.cli.status.{value}", lang)
    return _when(value) if column.endswith("_at") else str(value or "-")


#: The columns of ``token ls`` (its JSON has the same keys).
TOKEN_COLUMNS = (
    "id",
    "office",
    "role",
    "user",
    "status",
    "last_used_at",
    "created_at",
    "expires_at",
    "revoked_at",
)


def _export(db: Database, settings: ServerSettings) -> None:
    from server_stub.service import Service  # the record models: only this command needs them

    out = sys.stdout.buffer
    for line in Service(db, settings).export_lines():
        out.write(line + b"\n")
    out.flush()


def _migrate(args: argparse.Namespace, db: Database, lang: Lang) -> None:
    version = migrations.LATEST
    if args.json:
        _dump({"applied": db.applied, "version": version})
        return
    key = "server.migrated" if db.applied else "server.migrate_current"
    _out(t(key, lang, path=db.where, version=version))


def _copy(args: argparse.Namespace, settings: ServerSettings, lang: Lang) -> None:
    source = Database(args.source, synchronous=settings.synchronous)
    try:
        target = Database(args.target, synchronous=settings.synchronous)
        try:
            counts = source.copy_to(target)
        finally:
            target.close()
    finally:
        source.close()
    if args.json:
        _dump(counts)
    else:
        _out(t("server.copied", lang, target=target.where, **counts))


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this.  uvicorn does not set it on sockets it is handed,
    # and without it every small answer waits ~40 ms for the client's delayed ACK (Nagle).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise SotayError(
            "server.port_in_use", host=host, port=port, detail=exc.strerror or str(exc)
        ) from None
    return sock


def _check_workers(workers: int, settings: ServerSettings) -> None:
    """``--workers``: at least one; more than one only on PostgreSQL (a SQLite file is written
    by one process)."""
    if workers < 1:
        raise AdminError("server.workers_count", workers=workers)
    if workers > 1 and not is_postgresql(settings.db):
        raise AdminError("server.workers_sqlite", workers=workers)


def _app(settings: ServerSettings, db: Database | None = None) -> Any:
    """The service with its logs set up, startup objects frozen: one process's app."""
    from server_stub.app import create_app

    _logs(settings)
    app = create_app(settings, db=db)
    # Parsing a 5,000-op push allocates ~10^6 objects: without this, the cyclic collector
    # would walk the whole heap many times per request.  Startup objects are frozen.
    gc.freeze()
    tune_collector()
    return app


def worker_app() -> Any:
    """The app of one ``serve --workers N`` process (uvicorn imports it by name): its
    settings come from the environment the parent handed on (:func:`_hand_on`)."""
    load_catalogues("server_stub")
    return _app(ServerSettings())


def _hand_on(settings: ServerSettings, lang: Lang) -> None:
    """What the command line chose, where the workers' ``ServerSettings()`` will read it; the
    rest of the settings are in the environment already."""
    os.environ["SOTAY_SERVER_DB"] = str(settings.db)
    os.environ["SOTAY_SERVER_LOG_LEVEL"] = settings.log_level
    os.environ["SOTAY_LANG"] = lang


def _logs(settings: ServerSettings) -> None:
    logger = logs.configure(settings.log_level)
    for name in ("uvicorn", "uvicorn.error"):
        other = logging.getLogger(name)
        other.handlers[:] = logger.handlers
        other.propagate = False


def _serve(args: argparse.Namespace, db: Database, settings: ServerSettings, lang: Lang) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if args.workers == 1:
        config = _uvicorn_config(_app(settings, db), settings)
    else:
        db.close()  # migrated; the workers open their own pools
        _hand_on(settings, lang)
        _logs(settings)
        config = _uvicorn_config("server_stub.cli:worker_app", settings, workers=args.workers)
    _out(t("server.listening", lang, url=f"http://{shown}:{port}"))
    if args.workers == 1:
        uvicorn.Server(config).run(sockets=[sock])
    else:
        Multiprocess(config, sockets=[sock]).run()


def _uvicorn_config(app: Any, settings: ServerSettings, workers: int = 1) -> Any:
    import uvicorn

    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 and
    # let any local client pick its own address; the service decides who the client is
    # (settings.trusted_proxies).
    return uvicorn.Config(
        app,
        factory=workers > 1,
        workers=workers,
        log_config=None,
        log_level=settings.log_level,
        access_log=False,
        server_header=False,
        lifespan="on",
        proxy_headers=False,
    )


def main(argv: Sequence[str] | None = None) -> int:
    load_catalogues("server_stub")
    lang = lang_of(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser(lang).parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already explained
        return int(exc.code or 0)
    try:
        settings = _settings(args)
        if args.command == "copy":
            _copy(args, settings, lang)
            return 0
        if args.command == "serve":
            _check_workers(args.workers, settings)
        db = Database(
            settings.db, synchronous=settings.synchronous, pool_size=settings.db_pool_size
        )
        try:
            if args.command == "serve":
                _serve(args, db, settings, lang)
            elif args.command == "office":
                _office(args, db, lang)
            elif args.command == "token":
                _token(args, db, lang)
            elif args.command == "migrate":
                _migrate(args, db, lang)
            else:
                _export(db, settings)
        finally:
            db.close()
    except SotayError as exc:
        sys.stderr.write(f"sotay-server: {exc.message(lang)}\n")
        return exc.exit_code
    except pydantic.ValidationError as exc:  # a bad SOTAY_SERVER_* environment variable
        where = ", ".join(str(e["loc"][0]).upper() for e in exc.errors() if e.get("loc"))
        detail = f"SOTAY_SERVER_{where}"
        sys.stderr.write(f"sotay-server: {t('validation.bad_value', lang, detail=detail)}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback for a person
        sys.stderr.write(f"sotay-server: {t('error.internal', lang, detail=type(exc).__name__)}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
