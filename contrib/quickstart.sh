#!/bin/sh
# quickstart.sh: install, build, load the demo lab and run ucprovd in the
# foreground on its embedded SQLite database.  Run from the source tree:
#   sudo sh contrib/quickstart.sh
# It installs only what building and running take (install-deps.sh --build);
# the tests' packages (chromium, clang, Node.js, ...) come with tests/run-all.sh.
# ucprovd binds its ports as root and then runs as the dedicated user ucprov
# (created here), which owns the database directory.  The admin port speaks
# HTTPS with a self-signed certificate made at first start beside the
# database (as CUCM makes its own at install).
# Environment: UCPROV_DB (default /var/lib/ucprov/ucprov.db), UCPROV_HTTP
# (default 0.0.0.0:8080), UCPROV_USER (default ucprov).
set -eu
cd "$(dirname "$0")/.."
DB=${UCPROV_DB:-/var/lib/ucprov/ucprov.db}
HTTP=${UCPROV_HTTP:-0.0.0.0:8080}
RUN_AS=${UCPROV_USER:-ucprov}
DBDIR=$(dirname "$DB")
PWFILE=$DBDIR/ucprov-admin-password.txt

sh tests/install-deps.sh --build
if [ ! -f server/ucprovd ]; then
    [ -x configure ] || autoreconf -fi
    [ -f Makefile ] || ./configure
fi
make -j2 >/dev/null

if ! id "$RUN_AS" >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/ucprov --no-create-home --shell /usr/sbin/nologin \
        --comment "ucprov provisioning server" "$RUN_AS"
fi
umask 077
mkdir -p "$DBDIR"
chown "$RUN_AS:" "$DBDIR"
chmod 700 "$DBDIR"

./server/ucprov --db "$DB" demo
if ! sqlite3 "$DB" 'SELECT 1 FROM admins LIMIT 1' | grep -q 1; then
    # A random first password, kept in a file only root can read; change it with
    # 'ucprov --db DB admin passwd admin'.
    openssl rand -base64 15 | tr -d '\n/+=' >"$PWFILE"
    ./server/ucprov --db "$DB" admin add admin <"$PWFILE" >/dev/null
    echo "admin account 'admin' created; its password is in $PWFILE:"
    echo "  $(cat "$PWFILE")"
else
    echo "admin accounts already exist in $DB (password file: $PWFILE, if created here)"
fi
# The CLI ran as root: the files it made go to the daemon's user.
chown "$RUN_AS:" "$DB" "$DB-wal" "$DB-shm" "$DBDIR"/ucprov.key 2>/dev/null || true
PORT=${HTTP##*:}
case $HTTP in
127.*|\[::1\]*) SCHEME=http ;;
*) SCHEME=https ;;
esac
echo
echo "web admin: $SCHEME://127.0.0.1:$PORT/  REST API: $SCHEME://127.0.0.1:$PORT/api/v1  (user admin)"
[ "$SCHEME" = https ] && echo "  (a self-signed certificate, made at first start in $DBDIR/ucprov-admin.crt:" &&
    echo "   check its fingerprint in the log below before you accept it in the browser)"
echo "phone configs: TFTP on port 69 and HTTP on port 6970, e.g."
echo "  tftp 127.0.0.1 -m binary -c get SEP00562B043615.cnf.xml"
echo "  curl http://127.0.0.1:6970/SEP00562B043615.cnf.xml"
echo "  curl --cacert $DBDIR/ucprov-admin.crt -u admin:\"\$(cat $PWFILE)\" $SCHEME://$(hostname):$PORT/api/v1/phones/1/config"
echo "stop with Ctrl-C"
exec ./server/ucprovd --db "$DB" --http "$HTTP" --tftp "${UCPROV_TFTP:-0.0.0.0:69}" \
    --cnf-http "${UCPROV_CNF_HTTP:-0.0.0.0:6970}" --user "$RUN_AS"
