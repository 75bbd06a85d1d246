# tftpd/local.mk - the TFTP engine, its tests and its fuzz target.
# Included from the top Makefile.am; paths are relative to the top directory.

noinst_LIBRARIES += tftpd/libtftpd.a
tftpd_libtftpd_a_SOURCES = \
	tftpd/engine.c \
	tftpd/engine.h \
	tftpd/packet.c \
	tftpd/packet.h \
	tftpd/provider.h \
	tftpd/table.c \
	tftpd/tftp_limits.h \
	tftpd/tftpd.h \
	tftpd/transfer.c

# A read-only directory server on an ephemeral port, for real-client tests.
noinst_PROGRAMS += tests/tftp/tftp-testd
tests_tftp_tftp_testd_SOURCES = tests/tftp/tftp-testd.c
tests_tftp_tftp_testd_LDADD = tftpd/libtftpd.a

dist_noinst_SCRIPTS += tests/tftp/real_client.sh
TESTS += tests/tftp/real_client.sh

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_tftp_packet tests/unit/test_tftp_engine
TESTS += tests/unit/test_tftp_packet tests/unit/test_tftp_engine

tests_unit_test_tftp_packet_SOURCES = tests/unit/test_tftp_packet.c
tests_unit_test_tftp_packet_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_tftp_packet_LDADD = tftpd/libtftpd.a $(CHECK_LIBS) -lpthread

tests_unit_test_tftp_engine_SOURCES = \
	tests/unit/test_tftp_engine.c \
	tests/tftp/mem_provider.c \
	tests/tftp/mem_provider.h \
	tests/tftp/udp_client.c \
	tests/tftp/udp_client.h
tests_unit_test_tftp_engine_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_tftp_engine_LDADD = tftpd/libtftpd.a $(CHECK_LIBS) -lpthread
endif

# libFuzzer target, outside the default build: make fuzz-tftp FUZZ_SECONDS=60
# New inputs go to a work directory in the build tree; the seed corpus in the
# source tree is only read, so this also works from a read-only checkout.
FUZZ_CC = clang
FUZZ_SECONDS = 30
FUZZ_TFTP_BIN = tests/fuzz/fuzz_tftp_packet
FUZZ_TFTP_WORK = tests/fuzz/tftp_packet.work
EXTRA_DIST += tests/fuzz/fuzz_tftp_packet.c tests/fuzz/corpus/tftp_packet
CLEANFILES += $(FUZZ_TFTP_BIN)

fuzz-tftp: $(top_srcdir)/tests/fuzz/fuzz_tftp_packet.c $(top_srcdir)/tftpd/packet.c
	@$(MKDIR_P) tests/fuzz $(FUZZ_TFTP_WORK)
	$(FUZZ_CC) -g -O1 -std=c11 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I$(top_builddir) -I$(top_srcdir) \
		$(top_srcdir)/tests/fuzz/fuzz_tftp_packet.c $(top_srcdir)/tftpd/packet.c \
		-o $(FUZZ_TFTP_BIN)
	./$(FUZZ_TFTP_BIN) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		$(FUZZ_TFTP_WORK) $(top_srcdir)/tests/fuzz/corpus/tftp_packet

.PHONY: fuzz-tftp
