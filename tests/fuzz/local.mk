# tests/fuzz/local.mk - libFuzzer target for the phone log recognisers and the
# ASA renderer's input checks, outside the default build:
#   make fuzz-phonelog FUZZ_SECONDS=60
# FUZZ_CC and FUZZ_SECONDS come from tftpd/local.mk.  As with fuzz-tftp, new
# inputs go to a work directory in the build tree and the seed corpus in the
# source tree is only read.
FUZZ_PHONELOG_BIN = tests/fuzz/fuzz_phonelog
FUZZ_PHONELOG_WORK = tests/fuzz/phonelog.work
FUZZ_PHONELOG_SRC = $(top_srcdir)/tests/fuzz/fuzz_phonelog.c \
	$(top_srcdir)/server/phonelog.c $(top_srcdir)/server/asa.c
EXTRA_DIST += tests/fuzz/fuzz_phonelog.c tests/fuzz/corpus/phonelog
CLEANFILES += $(FUZZ_PHONELOG_BIN)

fuzz-phonelog: $(FUZZ_PHONELOG_SRC) $(top_srcdir)/server/phonelog.h $(top_srcdir)/server/asa.h
	@$(MKDIR_P) tests/fuzz $(FUZZ_PHONELOG_WORK)
	$(FUZZ_CC) -g -O1 -std=c11 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I$(top_builddir) -I$(top_srcdir) \
		$(FUZZ_PHONELOG_SRC) -o $(FUZZ_PHONELOG_BIN)
	./$(FUZZ_PHONELOG_BIN) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		$(FUZZ_PHONELOG_WORK) $(top_srcdir)/tests/fuzz/corpus/phonelog

.PHONY: fuzz-phonelog
