# server/store/: see server/README.md.  Its sources join server/libucprov.a.
server_libucprov_a_SOURCES += server/store/store.c server/store/store.h \
	server/store/driver.h server/store/sqlite.c
