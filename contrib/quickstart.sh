#!/bin/sh
# quickstart.sh: install, build, load the demo lab and run ucprovd in the
# foreground on its embedded SQLite database.  Run from the source tree:
#   sudo sh contrib/quickstart.sh
# It installs only what building and running take (install-deps.sh --build);
# the tests' packages (chromium, clang, Node.js, ...) come with tests/run-all.sh.
# Environment: UCPROV_DB (default ./ucprov.db), UCPROV_HTTP (default 0.0.0.0:8080).
set -eu
cd "$(dirname "$0")/.."
DB=${UCPROV_DB:-$(pwd)/ucprov.db}
HTTP=${UCPROV_HTTP:-0.0.0.0:8080}
PWFILE=$(dirname "$DB")/ucprov-admin-password.txt

sh tests/install-deps.sh --build
if [ ! -f server/ucprovd ]; then
    [ -x configure ] || autoreconf -fi
    [ -f Makefile ] || ./configure
fi
make -j2 >/dev/null

./server/ucprov --db "$DB" demo
if ! sqlite3 "$DB" 'SELECT 1 FROM admins LIMIT 1' | grep -q 1; then
    # A random first password, kept in a file only root can read; change it with
    # 'ucprov --db DB admin passwd admin'.
    umask 077
    openssl rand -base64 15 | tr -d '\n/+=' >"$PWFILE"
    ./server/ucprov --db "$DB" admin add admin <"$PWFILE" >/dev/null
    echo "admin account 'admin' created; its password is in $PWFILE:"
    echo "  $(cat "$PWFILE")"
else
    echo "admin accounts already exist in $DB (password file: $PWFILE, if created here)"
fi
PORT=${HTTP##*:}
echo
echo "web admin: http://127.0.0.1:$PORT/  REST API: http://127.0.0.1:$PORT/api/v1  (user admin)"
echo "phone configs: TFTP on port 69 and HTTP on port 6970, e.g."
echo "  tftp 127.0.0.1 -m binary -c get SEP00562B043615.cnf.xml"
echo "  curl http://127.0.0.1:6970/SEP00562B043615.cnf.xml"
echo "  curl -u admin:\"\$(cat $PWFILE)\" http://127.0.0.1:$PORT/api/v1/phones/1/config"
echo "stop with Ctrl-C"
exec ./server/ucprovd --db "$DB" --http "$HTTP" --tftp "${UCPROV_TFTP:-0.0.0.0:69}" \
    --cnf-http "${UCPROV_CNF_HTTP:-0.0.0.0:6970}"
