#!/usr/bin/env bash
# Back up a Sổ tay server database into a dated file, safe while the server is running.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: backup.sh [-k KEEP] [-d DB] DEST_DIR

Writes DEST_DIR/sotay-YYYYmmdd-HHMMSS.db (SQLite, via the online backup API) or .dump
(PostgreSQL, pg_dump -Fc), then keeps only the newest KEEP backups (default 14).
DB is a SQLite file or a postgresql:// URL; default $SOTAY_SERVER_DB.
Example (cron, as the service user):  backup.sh -k 30 /var/lib/sotay/backups
USAGE
}

keep=14
db="${SOTAY_SERVER_DB:-}"
while getopts "k:d:h" opt; do
    case "$opt" in
        k) keep="$OPTARG" ;;
        d) db="$OPTARG" ;;
        h) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [[ $# -ne 1 || -z "$db" || ! "$keep" =~ ^[1-9][0-9]*$ ]]; then
    usage >&2
    exit 2
fi
dest="$1"
mkdir -p "$dest"
stamp="$(date -u +%Y%m%d-%H%M%S)"

case "$db" in
    postgresql://* | postgres://*)
        ext=dump
        out="$dest/sotay-$stamp.$ext"
        pg_dump --format=custom --no-owner --file="$out.part" "$db"
        ;;
    *)
        ext=db
        out="$dest/sotay-$stamp.$ext"
        if [[ ! -s "$db" ]]; then
            echo "backup.sh: no database at $db" >&2
            exit 1
        fi
        # The backup API copies a consistent snapshot while writers carry on (WAL or not).
        python3 - "$db" "$out.part" <<'PY'
import sqlite3, sys
src = sqlite3.connect(sys.argv[1])  # only read: the backup API takes a read snapshot
dst = sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)
ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
dst.close()
src.close()
sys.exit(0 if ok == "ok" else f"backup.sh: integrity check of the copy failed: {ok}")
PY
        ;;
esac
mv "$out.part" "$out"
echo "$out"

# Retention: the newest $keep backups of this kind stay (names sort by date).
mapfile -t old < <(find "$dest" -maxdepth 1 -name "sotay-*.$ext" -printf '%f\n' | sort -r \
    | tail -n +"$((keep + 1))")
for name in "${old[@]}"; do
    rm -f -- "$dest/$name"
done
