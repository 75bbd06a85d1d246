# server/web/: see server/README.md.  Its sources join server/libucprov.a.
server_libucprov_a_SOURCES += \
	server/web/form.c server/web/form.h \
	server/web/html.c server/web/html.h \
	server/web/pages.c \
	server/web/parse.c server/web/parse.h \
	server/web/session.c server/web/session.h \
	server/web/web.h
