# Integration tests: start ucprovd on loopback and drive it with curl and tftp.
# Each script speaks TAP, so every assertion is counted on its own.
TEST_EXTENSIONS = .tap
TAP_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = \
	UCPROVD='$(abs_top_builddir)/server/ucprovd'; export UCPROVD; \
	UCPROV='$(abs_top_builddir)/server/ucprov'; export UCPROV; \
	UDP_PROBE='$(abs_top_builddir)/tests/integration/udp-probe'; export UDP_PROBE; \
	HOSTILE='$(abs_top_builddir)/tests/integration/hostile'; export HOSTILE;
INTEGRATION_TESTS = tests/integration/rest.tap tests/integration/tftp.tap \
	tests/integration/diag.tap tests/integration/ops.tap
INTEGRATION_TESTS += tests/integration/bulk.tap
INTEGRATION_TESTS += tests/integration/web.tap tests/browser/browser.tap
INTEGRATION_TESTS += tests/integration/authz.tap
INTEGRATION_TESTS += tests/integration/callctl.tap
INTEGRATION_TESTS += tests/integration/security.tap tests/integration/secrets.tap \
	tests/integration/harvest.tap

# The same suites over PostgreSQL (lib.sh: UCPROV_TEST_BACKEND=pg, pg.sh).
INTEGRATION_TESTS += tests/integration/pg-rest.tap
PG_TWIN_TESTS = tests/integration/pg-tftp.tap tests/integration/pg-diag.tap \
	tests/integration/pg-bulk.tap tests/integration/pg-web.tap tests/integration/pg-authz.tap \
	tests/integration/pg-callctl.tap tests/integration/pg-trust.tap
# Two nodes over one PostgreSQL database: coherence, shared logins, races, loss.
INTEGRATION_TESTS += tests/integration/pg-nodes.tap
# ucprov migrate, backup and restore on PostgreSQL, the forms of --db.
INTEGRATION_TESTS += tests/integration/pg-ops.tap

INTEGRATION_TESTS += tests/integration/trust.tap
EXTRA_DIST += tests/browser/package.json tests/browser/package-lock.json tests/browser/web.test.mjs
TESTS += $(INTEGRATION_TESTS)
dist_noinst_SCRIPTS += $(INTEGRATION_TESTS)

# Run once, in CI's plain build (`make check SLOW_TESTS=` leaves them out, as
# CI's sanitizer build does, to stay inside its time): the load and kill
# suites (boot storms of thousands of transfers, SIGKILL during imports),
# which under the sanitizers take minutes and mostly measure the sanitizers,
# and the PostgreSQL twins of suites whose C paths the sanitizer build runs
# over SQLite (the driver's own paths stay: pg-rest, pg-nodes, pg-ops).
LOAD_TESTS = tests/integration/storm.tap tests/integration/crash.tap \
	tests/integration/pg-storm.tap tests/integration/pg-crash.tap
SLOW_TESTS = $(LOAD_TESTS) $(PG_TWIN_TESTS)
TESTS += $(SLOW_TESTS)
dist_noinst_SCRIPTS += $(LOAD_TESTS) $(PG_TWIN_TESTS)
EXTRA_DIST += tests/integration/lib.sh tests/integration/pg.sh

# A real registrar (kamailio) and user agent (SIPp) against a rendered phone
# config: sip.sh starts them, sip-values.sh reads the file, sip/ the scenarios.
INTEGRATION_TESTS += tests/integration/sip.tap
dist_noinst_SCRIPTS += tests/integration/sip-values.sh
EXTRA_DIST += tests/integration/sip.sh tests/integration/sip/options.xml \
	tests/integration/sip/register.xml tests/integration/sip/refused.xml \
	tests/integration/sip/answer.xml tests/integration/sip/call.xml

# A datagram thrower for the TFTP tests.
check_PROGRAMS += tests/integration/udp-probe
tests_integration_udp_probe_SOURCES = tests/integration/udp-probe.c

# Bad clients for the boot-storm test: garbage datagrams and slowloris.
check_PROGRAMS += tests/integration/hostile
tests_integration_hostile_SOURCES = tests/integration/hostile.c
