# Integration tests: start ucprovd on loopback and drive it with curl and tftp.
# Each script speaks TAP, so every assertion is counted on its own.
TEST_EXTENSIONS = .tap
TAP_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = \
	UCPROVD='$(abs_top_builddir)/server/ucprovd'; export UCPROVD; \
	UCPROV='$(abs_top_builddir)/server/ucprov'; export UCPROV;
INTEGRATION_TESTS = tests/integration/rest.tap
TESTS += $(INTEGRATION_TESTS)
dist_noinst_SCRIPTS += $(INTEGRATION_TESTS)
EXTRA_DIST += tests/integration/lib.sh
