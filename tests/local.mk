# tests/: unit tests (Check) and integration tests (shell + curl + tftp).
include tests/unit/local.mk
include tests/integration/local.mk
include tests/bench/local.mk
include tests/fuzz/local.mk

# The house rules of server/README.md (SQL only in the store, arrows only
# downward, no giant files or functions), checked on the source tree.
TESTS += tests/layout.tap
dist_noinst_SCRIPTS += tests/layout.tap
