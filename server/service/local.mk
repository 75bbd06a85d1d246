# server/service/: every admin operation, a file per family (see service.h and
# server/README.md).  Its sources join server/libucprov.a.
server_libucprov_a_SOURCES += \
	server/service/admins.c \
	server/service/asaconfig.c \
	server/service/audit.c \
	server/service/bulk.c \
	server/service/certs.c \
	server/service/cluster.c \
	server/service/configs.c \
	server/service/diagnose.c \
	server/service/fetches.c \
	server/service/internal.h \
	server/service/lab.c \
	server/service/lifecycle.c \
	server/service/objects.c \
	server/service/phonemodels.c \
	server/service/rollover.c \
	server/service/secrets.c \
	server/service/service.h \
	server/service/tokens.c \
	server/service/txn.c \
	server/service/validate.c
# Issue 12: call control's checks.
server_libucprov_a_SOURCES += server/service/callctl.c
server_libucprov_a_SOURCES += server/service/bulk_cc.c
# Issue 13: the trust keys and lists, signed files, phone certificates.
server_libucprov_a_SOURCES += server/service/trust.c server/service/signed.c \
	server/service/phonecert.c server/service/trustdiag.c \
	server/service/rotation.c
