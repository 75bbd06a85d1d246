# server/service/: see server/README.md.  Its sources join server/libucprov.a.
server_libucprov_a_SOURCES += \
	server/service/internal.h \
	server/service/lifecycle.c \
	server/service/service.c \
	server/service/validate.c \
	server/service/service.h
