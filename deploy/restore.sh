#!/usr/bin/env bash
# Restore a Sổ tay server database from a backup made by backup.sh.  Stop the server first.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: restore.sh [-f] BACKUP TARGET

BACKUP is a sotay-*.db (SQLite) or sotay-*.dump (PostgreSQL) file from backup.sh.
TARGET is a SQLite file path or a postgresql:// URL.  A TARGET that already holds data is
refused unless -f (force) is given: then it is replaced.
Stop sotay-server before restoring, and run `sotay-server --db TARGET migrate` after.
USAGE
}

force=0
while getopts "fh" opt; do
    case "$opt" in
        f) force=1 ;;
        h) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [[ $# -ne 2 ]]; then
    usage >&2
    exit 2
fi
backup="$1"
target="$2"
if [[ ! -s "$backup" ]]; then
    echo "restore.sh: no backup at $backup" >&2
    exit 1
fi

refuse() {
    echo "restore.sh: $target already holds a database; add -f to replace it" >&2
    exit 1
}

case "$target" in
    postgresql://* | postgres://*)
        tables="$(psql "$target" -XAtc \
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
        if [[ "$tables" != 0 && $force -eq 0 ]]; then refuse; fi
        pg_restore --clean --if-exists --no-owner --exit-on-error --single-transaction \
            --dbname="$target" "$backup"
        ;;
    *)
        if [[ -s "$target" && $force -eq 0 ]]; then refuse; fi
        mkdir -p "$(dirname -- "$target")"
        cp -- "$backup" "$target.part"
        rm -f -- "$target-wal" "$target-shm" "$target-journal"
        mv -- "$target.part" "$target"
        ;;
esac
echo "restored $backup into $target"
cat >&2 <<'NOTE'
Replicas synced after this backup was taken now know more than the server: they refuse it
(a server restored from an older backup) until, at each office, `sotay sync --adopt-server`
is run once; their unsent and newer changes are then pushed again.
NOTE
