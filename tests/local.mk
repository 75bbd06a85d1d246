# tests/: unit tests (Check) and integration tests (shell + curl + tftp).
include tests/unit/local.mk
include tests/integration/local.mk
include tests/bench/local.mk
include tests/fuzz/local.mk
