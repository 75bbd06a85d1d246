# server/service/: see server/README.md.  Its sources join server/libucprov.a.
server_libucprov_a_SOURCES += server/service/service.c server/service/service.h \
	server/service/internal.h
