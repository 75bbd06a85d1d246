# server/rest/: the REST API under /api/v1 (see rest.h).  Its sources join
# server/libucprov.a: the router and JSON, then the handlers by family
# (handlers.h; trust.c is issue 13's trust list, rotation, phone certificates).
server_libucprov_a_SOURCES += server/rest/rest.h server/rest/router.c \
	server/rest/json.c server/rest/json.h server/rest/handlers.h
server_libucprov_a_SOURCES += server/rest/objects.c server/rest/certs.c \
	server/rest/ops.c server/rest/trust.c
