# server/service/: every admin operation, a file per family (see service.h and
# server/README.md).  Its sources join server/libucprov.a, a line per concern.
# The room's headers, start and stop, and how every write ends (txn.c).
server_libucprov_a_SOURCES += server/service/service.h server/service/internal.h \
	server/service/lifecycle.c server/service/txn.c server/service/cluster.c
# Objects: checks, generic CRUD, call control's checks, CSV import, demo data.
server_libucprov_a_SOURCES += server/service/objects.c server/service/validate.c \
	server/service/callctl.c server/service/bulk.c server/service/bulk_cc.c \
	server/service/lab.c server/service/phonemodels.c
# What phones fetch: rendered configs and their cache, the fetch log.
server_libucprov_a_SOURCES += server/service/configs.c server/service/warmer.c \
	server/service/fetches.c
# Admins, API tokens and web sessions, the audit log, secrets sealed at rest.
server_libucprov_a_SOURCES += server/service/admins.c server/service/tokens.c \
	server/service/sessions.c server/service/audit.c server/service/secrets.c
# VPN gateways: certificates, rollover, the ASA's side, diagnostics.
server_libucprov_a_SOURCES += server/service/certs.c server/service/rollover.c \
	server/service/asaconfig.c server/service/diagnose.c
# Issue 13: the trust keys and lists, signed files, phone certificates.
server_libucprov_a_SOURCES += server/service/trust.c server/service/signed.c \
	server/service/phonecert.c server/service/trustdiag.c server/service/rotation.c
