# server/store/: see server/README.md.  Its sources join server/libucprov.a.
# db.c runs every query through a driver (driver.h): sqlite.c, the only file
# that calls SQLite, and pg.c with pgstmt.c and pgdump.c, the only ones that
# call libpq (and PostgreSQL's tools).  The rest is one file per family.
server_libucprov_a_SOURCES += \
	server/store/store.h \
	server/store/internal.h \
	server/store/driver.h \
	server/store/db.c \
	server/store/sqlite.c \
	server/store/pg.h \
	server/store/pg.c \
	server/store/pgstmt.c \
	server/store/pgdump.c \
	server/store/copy.c \
	server/store/records.c \
	server/store/certs.c \
	server/store/views.c \
	server/store/phones.c \
	server/store/logs.c \
	server/store/admins.c
# Issue 12: call control's lists and a phone's call control view.
server_libucprov_a_SOURCES += server/store/callctl.c
# Issue 13: the trust keys, the trust list generation, phone certificates.
server_libucprov_a_SOURCES += server/store/trust.c
