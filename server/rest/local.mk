# server/rest/: the REST API under /api/v1 (see rest.h).  Its sources join
# server/libucprov.a.
server_libucprov_a_SOURCES += \
	server/rest/certs.c \
	server/rest/handlers.h \
	server/rest/json.c server/rest/json.h \
	server/rest/objects.c \
	server/rest/ops.c \
	server/rest/rest.h \
	server/rest/router.c
# Issue 13: the trust list, its rotation, phone certificates.
server_libucprov_a_SOURCES += server/rest/trust.c
