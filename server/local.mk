# server/: the daemon, the CLI and the library they share.
noinst_LIBRARIES += server/libucprov.a
# Its sources, a line per concern (each .c with its .h).
# The HTTP listeners, the admin port's guard and its certificate, log lines.
server_libucprov_a_SOURCES = server/http.c server/http.h server/admin.c server/admin.h \
	server/admin_tls.c server/admin_tls.h server/selfsigned.c server/selfsigned.h \
	server/log.c server/log.h server/problem.c server/problem.h
# Passwords and tokens: hashing, the brake on failed attempts, secrets at rest.
server_libucprov_a_SOURCES += server/auth.c server/auth.h server/brake.c server/brake.h \
	server/secretbox.c server/secretbox.h server/secfile.c server/secfile.h \
	server/dblock.c server/dblock.h
# The entity tables, and what phones fetch: rendered configs, their cache, files.
server_libucprov_a_SOURCES += server/model.c server/model.h server/model_cc.c \
	server/model_cc.h server/limits.h server/render.c server/render.h server/render_tables.h \
	server/cache.c server/cache.h server/provider.c server/provider.h \
	server/beneath.c server/beneath.h server/embedded.h
# What phones did: the fetch log, console logs, scans, counters for Prometheus.
server_libucprov_a_SOURCES += server/fetchlog.c server/fetchlog.h \
	server/phonelog.c server/phonelog.h server/scanwatch.c server/scanwatch.h \
	server/metrics.c server/metrics.h server/prometheus.c server/prometheus.h
# The VPN lab: certificates, the ASA's configuration, a phone's-eye TLS probe.
server_libucprov_a_SOURCES += server/cert.c server/cert.h server/asa.c server/asa.h \
	server/verify.c server/verify.h
# Text: a growing buffer, CSV, clock formats, CUCM's time zone and locale names (issue 12).
server_libucprov_a_SOURCES += server/textbuf.c server/textbuf.h server/hex.c server/hex.h \
	server/csvio.c server/csvio.h server/timefmt.c \
	server/timefmt.h server/timezones.c server/timezones.h server/locales.c server/locales.h
nodist_server_libucprov_a_SOURCES = server/embedded.c
server_libucprov_a_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS) $(PQ_CFLAGS) $(XML_CFLAGS) \
	$(OPENSSL_CFLAGS) $(JANSSON_CFLAGS) -DUCPROV_PKGDATADIR='"$(pkgdatadir)"'

# Installed for reference and for a site's own templates (which then win).
nobase_pkgdata_DATA = schema/0001_initial.sql schema/0002_fetch_log.sql \
	schema/0003_rollover_and_phone_certs.sql schema/0004_audit_log.sql \
	schema/0005_call_control.sql schema/0006_trust.sql schema/0007_token_expiry.sql \
	schema/0008_sessions.sql $(PG_MIGRATIONS) \
	templates/SEPMAC.cnf.xml templates/XMLDefault.cnf.xml \
	web/layout.html web/static/ucprov.css web/static/ucprov.js

# PostgreSQL's migrations: the same numbers in its dialect (store/db.c).
PG_MIGRATIONS = schema/pg/0001_initial.pgsql schema/pg/0002_fetch_log.pgsql \
	schema/pg/0003_rollover_and_phone_certs.pgsql schema/pg/0004_audit_log.pgsql \
	schema/pg/0005_call_control.pgsql schema/pg/0006_trust.pgsql schema/pg/0007_token_expiry.pgsql \
	schema/pg/0008_sessions.pgsql

# Schema migrations, config templates and the demo certificate are compiled in.
EMBEDDED_FILES = \
	$(top_srcdir)/schema/pg/0001_initial.pgsql \
	$(top_srcdir)/schema/pg/0002_fetch_log.pgsql \
	$(top_srcdir)/schema/pg/0003_rollover_and_phone_certs.pgsql \
	$(top_srcdir)/schema/pg/0004_audit_log.pgsql \
	$(top_srcdir)/schema/pg/0005_call_control.pgsql \
	$(top_srcdir)/schema/pg/0006_trust.pgsql \
	$(top_srcdir)/schema/pg/0007_token_expiry.pgsql \
	$(top_srcdir)/schema/pg/0008_sessions.pgsql \
	$(top_srcdir)/schema/0001_initial.sql \
	$(top_srcdir)/schema/0002_fetch_log.sql \
	$(top_srcdir)/schema/0003_rollover_and_phone_certs.sql \
	$(top_srcdir)/schema/0004_audit_log.sql \
	$(top_srcdir)/schema/0005_call_control.sql \
	$(top_srcdir)/schema/0006_trust.sql \
	$(top_srcdir)/schema/0007_token_expiry.sql \
	$(top_srcdir)/schema/0008_sessions.sql \
	$(top_srcdir)/templates/SEPMAC.cnf.xml \
	$(top_srcdir)/templates/XMLDefault.cnf.xml \
	$(top_srcdir)/server/demo/asav.example.lab.pem \
	$(top_srcdir)/web/layout.html \
	$(top_srcdir)/web/static/ucprov.css \
	$(top_srcdir)/web/static/ucprov.js
EXTRA_DIST += schema/0001_initial.sql schema/0002_fetch_log.sql \
	schema/0003_rollover_and_phone_certs.sql schema/0004_audit_log.sql schema/0005_call_control.sql \
	schema/0006_trust.sql schema/0007_token_expiry.sql schema/0008_sessions.sql $(PG_MIGRATIONS) \
	templates/SEPMAC.cnf.xml templates/XMLDefault.cnf.xml \
	server/demo/asav.example.lab.pem web/layout.html web/static/ucprov.css web/static/ucprov.js
BUILT_SOURCES += server/embedded.c
CLEANFILES += server/embedded.c
server/embedded.c: $(EMBEDDED_FILES) $(top_srcdir)/build-aux/embed.sh
	$(AM_V_GEN)$(MKDIR_P) server && $(SHELL) $(top_srcdir)/build-aux/embed.sh $@ $(EMBEDDED_FILES)

UCPROV_LIBS = server/libucprov.a tftpd/libtftpd.a $(MHD_LIBS) $(SQLITE_LIBS) $(PQ_LIBS) $(XML_LIBS) \
	$(OPENSSL_LIBS) \
	$(JANSSON_LIBS) $(CSV_LIBS) -lpthread

bin_PROGRAMS += server/ucprov
server_ucprov_SOURCES = server/cli.c server/cli.h server/cli_admins.c server/cli_export.c \
	server/cli_migrate.c server/cli_trust.c
server_ucprov_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS) $(OPENSSL_CFLAGS)
server_ucprov_LDADD = $(UCPROV_LIBS)

sbin_PROGRAMS += server/ucprovd
server_ucprovd_SOURCES = server/ucprovd.c server/daemon_options.c server/daemon_options.h
server_ucprovd_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS) $(MHD_CFLAGS) $(INIH_CFLAGS) \
	-DUCPROV_SYSCONFDIR='"$(sysconfdir)"'
server_ucprovd_LDADD = $(UCPROV_LIBS) $(INIH_LIBS)

# Man pages, the systemd unit and the sample configuration.
dist_man_MANS = server/man/ucprovd.8 server/man/ucprov.1
sampleconfdir = $(docdir)/examples
dist_sampleconf_DATA = contrib/ucprovd.conf
systemdunitdir = $(prefix)/lib/systemd/system
systemdunit_DATA = contrib/ucprovd.service
sysusersdir = $(prefix)/lib/sysusers.d
sysusers_DATA = contrib/ucprov.conf
EXTRA_DIST += contrib/ucprovd.service.in contrib/ucprov.sysusers contrib/quickstart.sh
CLEANFILES += contrib/ucprovd.service contrib/ucprov.conf
contrib/ucprovd.service: $(top_srcdir)/contrib/ucprovd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib && sed -e 's|@sbindir[@]|$(sbindir)|g' \
		-e 's|@sysconfdir[@]|$(sysconfdir)|g' $(top_srcdir)/contrib/ucprovd.service.in >$@
contrib/ucprov.conf: $(top_srcdir)/contrib/ucprov.sysusers
	$(AM_V_GEN)$(MKDIR_P) contrib && cp $(top_srcdir)/contrib/ucprov.sysusers $@
# The configuration file goes to sysconfdir unless one is already there.
install-data-local:
	$(MKDIR_P) $(DESTDIR)$(sysconfdir)/ucprov
	test -f $(DESTDIR)$(sysconfdir)/ucprov/ucprovd.conf || \
		$(INSTALL_DATA) $(top_srcdir)/contrib/ucprovd.conf $(DESTDIR)$(sysconfdir)/ucprov/ucprovd.conf
uninstall-local:
	-cmp -s $(top_srcdir)/contrib/ucprovd.conf $(DESTDIR)$(sysconfdir)/ucprov/ucprovd.conf && \
		rm -f $(DESTDIR)$(sysconfdir)/ucprov/ucprovd.conf
