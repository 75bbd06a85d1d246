# server/web/: see server/README.md.  Its sources join server/libucprov.a.
# web.h is the room's public header; page.h is shared by its files only.
server_libucprov_a_SOURCES += server/web/web.c server/web/web.h server/web/page.h \
	server/web/routes.c server/web/frame.c server/web/fields.c server/web/names.c \
	server/web/lists.c server/web/objects.c server/web/certs.c server/web/rollover.c \
	server/web/phones.c server/web/troubleshoot.c server/web/audit.c server/web/login.c \
	server/web/parse.c server/web/parse.h server/web/form.c server/web/form.h \
	server/web/html.c server/web/html.h server/web/session.c server/web/session.h
# Issue 12: call control's NTP server box and a phone's line appearances.
server_libucprov_a_SOURCES += server/web/lines.c
# Issue 13: the trust list page.
server_libucprov_a_SOURCES += server/web/trust.c
