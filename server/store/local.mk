# server/store/: see server/README.md.  Its sources join server/libucprov.a,
# a line per concern.
# db.c runs every query through a driver (driver.h): sqlite.c, the only file
# that calls SQLite, and pg.c with pgstmt.c and pgdump.c, the only ones that
# call libpq (and PostgreSQL's tools); copy.c moves a site between them.
server_libucprov_a_SOURCES += server/store/store.h server/store/internal.h \
	server/store/driver.h server/store/db.c server/store/sqlite.c \
	server/store/pg.h server/store/pg.c server/store/pgstmt.c server/store/pgdump.c \
	server/store/copy.c
# The rest is one file per family of queries; callctl.c is issue 12's call
# control, trust.c issue 13's keys, trust lists and phone certificates,
# sessions.c the web sessions every node shares (issue 14).
server_libucprov_a_SOURCES += server/store/records.c server/store/certs.c \
	server/store/views.c server/store/phones.c server/store/logs.c \
	server/store/admins.c server/store/callctl.c server/store/trust.c \
	server/store/sessions.c
