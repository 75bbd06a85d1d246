# tests/bench/: the benchmarks (make bench) and the load generator's smoke test.
# Included from tests/local.mk; paths are relative to the top directory.

# The load generator is built for make check too: a short smoke run of it
# against ucprovd is part of the test suite, the benchmark itself is not.
check_PROGRAMS += tests/bench/tftp-load
tests_bench_tftp_load_SOURCES = tests/bench/tftp-load.c

BENCH_TESTS = tests/bench/smoke.tap
TESTS += $(BENCH_TESTS)
dist_noinst_SCRIPTS += $(BENCH_TESTS) tests/bench/run.sh
EXTRA_DIST += tests/bench/RESULTS.md tests/bench/urls.lua tests/bench/signed.sh \
	tests/bench/nodes.sh

# Built only by make bench.
EXTRA_PROGRAMS = tests/bench/tftp-ref tests/bench/render-bench
CLEANFILES += $(EXTRA_PROGRAMS)
tests_bench_tftp_ref_SOURCES = tests/bench/tftp-ref.c
tests_bench_render_bench_SOURCES = tests/bench/render-bench.c
tests_bench_render_bench_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS)
tests_bench_render_bench_LDADD = $(UCPROV_LIBS)

# ucprov against tftp-hpa, dnsmasq, atftpd, the reference server and nginx on
# this machine, in one run; installs the peers from Debian packages (root).
# The figures land in tests/bench/results/ of the build tree.
bench: server/ucprov server/ucprovd tests/bench/tftp-load tests/bench/tftp-ref \
		tests/bench/render-bench
	BUILD=$(abs_top_builddir) $(SHELL) $(top_srcdir)/tests/bench/run.sh

.PHONY: bench
