# tests/fuzz/local.mk - libFuzzer target for the phone log recognisers and the
# ASA renderer's input checks, outside the default build:
#   make fuzz-phonelog FUZZ_SECONDS=60
# FUZZ_CC and FUZZ_SECONDS come from tftpd/local.mk.  As with fuzz-tftp, new
# inputs go to a work directory in the build tree and the seed corpus in the
# source tree is only read.
FUZZ_PHONELOG_BIN = tests/fuzz/fuzz_phonelog
FUZZ_PHONELOG_WORK = tests/fuzz/phonelog.work
FUZZ_PHONELOG_SRC = $(top_srcdir)/tests/fuzz/fuzz_phonelog.c \
	$(top_srcdir)/server/phonelog.c $(top_srcdir)/server/asa.c $(top_srcdir)/server/textbuf.c
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

# The certificate parser, REST body decoding and the CSV reader.
FUZZ_FLAGS = -g -O1 -std=c11 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I$(top_builddir) -I$(top_srcdir)
EXTRA_DIST += tests/fuzz/fuzz_cert.c tests/fuzz/fuzz_json.c tests/fuzz/fuzz_csv.c \
	tests/fuzz/corpus/cert tests/fuzz/corpus/json tests/fuzz/corpus/csv
CLEANFILES += tests/fuzz/fuzz_cert tests/fuzz/fuzz_json tests/fuzz/fuzz_csv

FUZZ_RUN = CC='$(FUZZ_CC)' FLAGS='$(FUZZ_FLAGS)' SECONDS_MAX='$(FUZZ_SECONDS)' \
	CORPUS='$(top_srcdir)/tests/fuzz/corpus' $(SHELL) $(top_srcdir)/tests/fuzz/build-run.sh
EXTRA_DIST += tests/fuzz/build-run.sh

fuzz-cert: $(top_srcdir)/tests/fuzz/fuzz_cert.c $(top_srcdir)/server/cert.c
	$(FUZZ_RUN) cert "$(OPENSSL_LIBS)" $(top_srcdir)/tests/fuzz/fuzz_cert.c \
		$(top_srcdir)/server/cert.c
fuzz-json: $(top_srcdir)/tests/fuzz/fuzz_json.c $(top_srcdir)/server/model.c \
		$(top_srcdir)/server/model_cc.c
	$(FUZZ_RUN) json "$(JANSSON_LIBS)" $(top_srcdir)/tests/fuzz/fuzz_json.c \
		$(top_srcdir)/server/model.c $(top_srcdir)/server/model_cc.c $(top_srcdir)/server/problem.c
fuzz-csv: $(top_srcdir)/tests/fuzz/fuzz_csv.c $(top_srcdir)/server/csvio.c \
		$(top_srcdir)/server/textbuf.c
	$(FUZZ_RUN) csv "$(CSV_LIBS)" $(top_srcdir)/tests/fuzz/fuzz_csv.c \
		$(top_srcdir)/server/csvio.c $(top_srcdir)/server/textbuf.c

# Every fuzzer, one after the other: make fuzz FUZZ_SECONDS=600 for a long run.
fuzz: fuzz-tftp fuzz-phonelog fuzz-cert fuzz-json fuzz-csv

.PHONY: fuzz fuzz-cert fuzz-json fuzz-csv

# The trust-list and signed-file readers (server/trust/): make fuzz-tlv.
FUZZ_TLV_SRC = $(top_srcdir)/tests/fuzz/fuzz_tlv.c $(top_srcdir)/server/trust/tlv.c \
	$(top_srcdir)/server/trust/sighdr.c $(top_srcdir)/server/trust/itl.c \
	$(top_srcdir)/server/trust/sgn.c $(top_srcdir)/server/hex.c
EXTRA_DIST += tests/fuzz/fuzz_tlv.c tests/fuzz/corpus/tlv
CLEANFILES += tests/fuzz/fuzz_tlv

fuzz-tlv: $(FUZZ_TLV_SRC)
	$(FUZZ_RUN) tlv "$(OPENSSL_LIBS)" -iquote $(top_srcdir)/server \
		-DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED $(FUZZ_TLV_SRC)

fuzz: fuzz-tlv
.PHONY: fuzz-tlv
