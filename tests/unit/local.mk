# Unit tests of the server modules (Check).
# Included from the top Makefile.am; paths are relative to the top directory.
# The TFTP engine's unit tests are declared in tftpd/local.mk.
#
# Each test is a program of its own, built with the same flags and libraries;
# automake wants them named per program, hence the three lines each below.

UNIT_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(OPENSSL_CFLAGS) $(XML_CFLAGS) \
	-DFIXTURES_DIR='"$(abs_top_srcdir)/tests/fixtures"' \
	-DGOLDEN_DIR='"$(abs_top_srcdir)/tests/unit/golden"'
# The service tests' databases (svc_fixture.h) come from a library of their
# own, built once; a test that does not use it links nothing of it.
UNIT_TEST_LDADD = tests/unit/libsvc_fixture.a $(UCPROV_LIBS) $(CHECK_LIBS)

if HAVE_CHECK
check_LIBRARIES = tests/unit/libsvc_fixture.a
tests_unit_libsvc_fixture_a_SOURCES = tests/unit/svc_fixture.c tests/unit/svc_fixture.h
tests_unit_libsvc_fixture_a_CFLAGS = $(UNIT_TEST_CFLAGS)

UNIT_TESTS = tests/unit/test_cert tests/unit/test_render tests/unit/test_cache \
	tests/unit/test_service tests/unit/test_import tests/unit/test_asa \
	tests/unit/test_phonelog tests/unit/test_form tests/unit/test_session tests/unit/test_sessions \
	tests/unit/test_provider tests/unit/test_callcontrol tests/unit/test_callctl_service \
	tests/unit/test_trust_tlv tests/unit/test_trust_itl tests/unit/test_trust_sgn \
	tests/unit/test_trust_keys tests/unit/test_admins tests/unit/test_validate \
	tests/unit/test_trust_service tests/unit/test_store_select
# test_trust_files writes the files that trust-openssl.tap checks with the
# openssl command line alone; the script runs it.
check_PROGRAMS += $(UNIT_TESTS) tests/unit/test_trust_files
TESTS += $(UNIT_TESTS) tests/integration/trust-openssl.tap

# Certificates, config rendering (with issue 12's call control cases and the
# XML checks its files share), the rendered-file cache.
tests_unit_test_cert_SOURCES = tests/unit/test_cert.c
tests_unit_test_cert_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_cert_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_render_SOURCES = tests/unit/test_render.c tests/unit/render_fixtures.h \
	tests/unit/test_render_cc.c tests/unit/xmltest.c tests/unit/xmltest.h
tests_unit_test_render_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_render_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_cache_SOURCES = tests/unit/test_cache.c
tests_unit_test_cache_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_cache_LDADD = $(UNIT_TEST_LDADD)

# The admin operations end to end, by family; bulk phone import and export (CSV).
tests_unit_test_service_SOURCES = tests/unit/test_service.c tests/unit/test_service.h \
	tests/unit/test_service_render.c tests/unit/test_service_certs.c \
	tests/unit/test_service_validation.c tests/unit/test_service_auth.c
tests_unit_test_service_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_service_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_import_SOURCES = tests/unit/test_import.c
tests_unit_test_import_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_import_LDADD = $(UNIT_TEST_LDADD)

# The ASA configuration text, by family, and the phone log recognisers.
tests_unit_test_asa_SOURCES = tests/unit/test_asa.c tests/unit/test_asa.h \
	tests/unit/test_asa_config.c tests/unit/test_asa_refuse.c
tests_unit_test_asa_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_asa_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_phonelog_SOURCES = tests/unit/test_phonelog.c
tests_unit_test_phonelog_CFLAGS = $(UNIT_TEST_CFLAGS) \
	-DPHONELOG_DIR='"$(abs_top_srcdir)/tests/unit/phonelog"'
tests_unit_test_phonelog_LDADD = $(UNIT_TEST_LDADD)

# The web admin's pure parts: form bodies, form tokens and the login brake;
# sessions and login form tokens in the database, shared by the nodes.
tests_unit_test_form_SOURCES = tests/unit/test_form.c
tests_unit_test_form_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_form_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_session_SOURCES = tests/unit/test_session.c
tests_unit_test_session_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_session_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_sessions_SOURCES = tests/unit/test_sessions.c
tests_unit_test_sessions_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_sessions_LDADD = $(UNIT_TEST_LDADD)

# Issue 12: static files below --tftp-root (subdirectories served, escapes
# refused); CUCM's time zone and locale names and the call control schema;
# exactly the phones a call control change touches re-render.
tests_unit_test_provider_SOURCES = tests/unit/test_provider.c
tests_unit_test_provider_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_provider_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_callcontrol_SOURCES = tests/unit/test_callcontrol.c
tests_unit_test_callcontrol_CFLAGS = $(UNIT_TEST_CFLAGS) $(SQLITE_CFLAGS)
tests_unit_test_callcontrol_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_callctl_service_SOURCES = tests/unit/test_callctl_service.c
tests_unit_test_callctl_service_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_callctl_service_LDADD = $(UNIT_TEST_LDADD)

# Phone trust (server/trust/): TLV items, ITL/CTL trust lists, .sgn and
# .enc.sgn files, the trust keys; issue 13: the trust service over a database.
tests_unit_test_trust_tlv_SOURCES = tests/unit/test_trust_tlv.c
tests_unit_test_trust_tlv_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_trust_tlv_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_trust_itl_SOURCES = tests/unit/test_trust_itl.c tests/unit/test_trust_common.h
tests_unit_test_trust_itl_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_trust_itl_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_trust_sgn_SOURCES = tests/unit/test_trust_sgn.c tests/unit/test_trust_common.h
tests_unit_test_trust_sgn_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_trust_sgn_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_trust_keys_SOURCES = tests/unit/test_trust_keys.c tests/unit/test_trust_common.h
tests_unit_test_trust_keys_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_trust_keys_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_trust_files_SOURCES = tests/unit/test_trust_files.c tests/unit/test_trust_common.h
tests_unit_test_trust_files_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_trust_files_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_trust_service_SOURCES = tests/unit/test_trust_service.c
tests_unit_test_trust_service_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_trust_service_LDADD = $(UNIT_TEST_LDADD)

# Issue 15: CLI changes to admins and tokens reach a running daemon at once;
# field hardening (gateway URLs, the system settings' host and locales,
# certificate names with control characters, the ASA parameters).
tests_unit_test_admins_SOURCES = tests/unit/test_admins.c
tests_unit_test_admins_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_admins_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_validate_SOURCES = tests/unit/test_validate.c
tests_unit_test_validate_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_validate_LDADD = $(UNIT_TEST_LDADD)

# The store's SELECT lists written from column maps (store/db.c's db_select).
tests_unit_test_store_select_SOURCES = tests/unit/test_store_select.c
tests_unit_test_store_select_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_store_select_LDADD = $(UNIT_TEST_LDADD)
endif

dist_noinst_SCRIPTS += tests/integration/trust-openssl.tap

# Certificate fixtures (made once by tests/fixtures/make-fixtures.sh; never at test time),
# the reviewed golden config files, the phone logs the recognisers read, and the
# trust fixtures (tests/fixtures/trust/make-fixtures.sh).
EXTRA_DIST += \
	tests/fixtures/README.md \
	tests/fixtures/make-fixtures.sh \
	tests/fixtures/asa_rsa.pem \
	tests/fixtures/asa_rsa.der \
	tests/fixtures/test_ca.pem \
	tests/fixtures/ec_ca_signed.pem \
	tests/fixtures/expired.pem \
	tests/fixtures/wildcard.pem \
	tests/fixtures/ipv6_san.pem \
	tests/fixtures/cert_and_key.pem \
	tests/fixtures/key_rsa_pkcs8.pem \
	tests/fixtures/key_rsa_pkcs8.der \
	tests/fixtures/key_ec_sec1.pem \
	tests/fixtures/key_ec_sec1.der \
	tests/fixtures/garbage.bin \
	tests/fixtures/empty.pem \
	tests/fixtures/two_certs.pem \
	tests/fixtures/vpn_bundle12.pem \
	tests/unit/golden/SEP_vpn.cnf.xml \
	tests/unit/golden/SEP_novpn.cnf.xml \
	tests/unit/golden/XMLDefault.cnf.xml \
	tests/unit/golden/SEP_callcontrol.cnf.xml \
	tests/unit/phonelog/ec_cipher.log \
	tests/unit/phonelog/dtls_failure.log \
	tests/unit/phonelog/no_shared_cipher.log \
	tests/unit/phonelog/dns_lookup.log \
	tests/unit/phonelog/and_enabled.log \
	tests/unit/phonelog/and_skipped.log \
	tests/unit/phonelog/cert_hash.log \
	tests/unit/phonelog/clean.log \
	tests/unit/phonelog/several.log \
	tests/unit/phonelog/guide.md \
	tests/unit/phonelog/host_id.log \
	tests/unit/phonelog/prose.txt \
	tests/fixtures/trust/README.md \
	tests/fixtures/trust/make-fixtures.sh \
	tests/fixtures/trust/ITLFile.tlv \
	tests/fixtures/trust/sast.pem tests/fixtures/trust/sast.key \
	tests/fixtures/trust/recovery.pem tests/fixtures/trust/recovery.key \
	tests/fixtures/trust/tftp.pem tests/fixtures/trust/tftp.key \
	tests/fixtures/trust/tftp_ec.pem tests/fixtures/trust/tftp_ec.key \
	tests/fixtures/trust/other.pem tests/fixtures/trust/other.key \
	tests/fixtures/trust/phone.pem tests/fixtures/trust/phone.key
