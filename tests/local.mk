# tests/: every test speaks TAP, so the totals count test cases, not files.
TEST_EXTENSIONS = .py .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
PY_LOG_DRIVER = $(LOG_DRIVER)
PY_LOG_COMPILER = $(PYTHON3)
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	CMOCKA_MESSAGE_OUTPUT=TAP; export CMOCKA_MESSAGE_OUTPUT; \
	SSISDR_TOP_SRCDIR='$(abs_top_srcdir)'; export SSISDR_TOP_SRCDIR; \
	SSISDR_TOP_BUILDDIR='$(abs_top_builddir)'; export SSISDR_TOP_BUILDDIR; \
	PYTHONPATH='$(abs_top_srcdir)/tests/lib'; export PYTHONPATH; \
	PYTHONDONTWRITEBYTECODE=1; export PYTHONDONTWRITEBYTECODE; \
	SQLFLUFF='$(SQLFLUFF)'; export SQLFLUFF;

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS) $(INIH_CFLAGS) \
	-DTEST_SRCDIR='"$(abs_top_srcdir)/tests"'

# C unit tests (cmocka)
UNIT_TESTS = \
	tests/unit/test_arm_parse \
	tests/unit/test_config \
	tests/unit/test_rule \
	tests/unit/test_runbook
# C tests that run the core against the simulator
SIMC_TESTS = \
	tests/unit/test_poller \
	tests/unit/test_cmd \
	tests/unit/test_arm_client \
	tests/unit/test_auth \
	tests/unit/test_sql
check_PROGRAMS += $(UNIT_TESTS) $(SIMC_TESTS) tests/odbc-query tests/bench/bench-poll
TESTS += $(UNIT_TESTS) $(SIMC_TESTS)
SIMPROC = tests/lib/simproc.c tests/lib/simproc.h

tests_unit_test_arm_parse_SOURCES = tests/unit/test_arm_parse.c
tests_unit_test_arm_parse_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arm_parse_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

tests_unit_test_rule_SOURCES = tests/unit/test_rule.c
tests_unit_test_rule_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rule_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

tests_unit_test_runbook_SOURCES = tests/unit/test_runbook.c
tests_unit_test_runbook_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_runbook_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

tests_unit_test_arm_client_SOURCES = tests/unit/test_arm_client.c $(SIMPROC)
tests_unit_test_arm_client_CFLAGS = $(UNIT_CFLAGS) $(CURL_CFLAGS)
tests_unit_test_arm_client_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

tests_unit_test_poller_SOURCES = tests/unit/test_poller.c $(SIMPROC)
tests_unit_test_poller_CFLAGS = $(UNIT_CFLAGS) $(CURL_CFLAGS)
tests_unit_test_poller_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

tests_unit_test_cmd_SOURCES = tests/unit/test_cmd.c $(SIMPROC)
tests_unit_test_cmd_CFLAGS = $(UNIT_CFLAGS) $(CURL_CFLAGS)
tests_unit_test_cmd_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

tests_unit_test_auth_SOURCES = tests/unit/test_auth.c $(SIMPROC)
tests_unit_test_auth_CFLAGS = $(UNIT_CFLAGS) $(CURL_CFLAGS)
tests_unit_test_auth_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

tests_unit_test_sql_SOURCES = tests/unit/test_sql.c $(SIMPROC)
tests_unit_test_sql_CFLAGS = $(UNIT_CFLAGS) $(CURL_CFLAGS) $(ODBC_CFLAGS)
tests_unit_test_sql_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

# Benchmark driver (built by make check, run by tests/bench/run-bench)
tests_bench_bench_poll_SOURCES = tests/bench/bench-poll.c
tests_bench_bench_poll_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_bench_bench_poll_LDADD = $(CORE_LIBS)
EXTRA_DIST += tests/bench/run-bench

# A small ODBC client, so integration tests read the simulator's SQL side
# through unixODBC and the SQLite ODBC driver, as the console does.
tests_odbc_query_SOURCES = tests/odbc-query.c
tests_odbc_query_CFLAGS = $(AM_CFLAGS) $(ODBC_CFLAGS)
tests_odbc_query_LDADD = $(ODBC_LIBS)

# Integration tests against ssisdr-sim (python3 standard library only)
SIM_TESTS = \
	tests/sim/test_sim_cli.py \
	tests/sim/test_sim_auth.py \
	tests/sim/test_sim_adf.py \
	tests/sim/test_sim_failover.py \
	tests/sim/test_sim_mi.py \
	tests/sim/test_sim_faults.py \
	tests/sim/test_sim_shapes.py \
	tests/sim/test_sim_sql.py
# ssisdr status against the simulator
STATUS_TESTS = \
	tests/status/test_status.py \
	tests/exec/test_exec.py
# the screen, end to end through tmux
TUI_TESTS = \
	tests/tui/test_tui_screen.py \
	tests/tui/test_tui_readonly.py \
	tests/tui/test_tui_actions.py \
	tests/tui/test_tui_latency.py \
	tests/tui/test_tui_drill.py
# guided drills, headless, against the simulator
DRILL_TESTS = tests/drill/test_drill.py
TESTS += $(SIM_TESTS) $(STATUS_TESTS) $(TUI_TESTS) $(DRILL_TESTS) tests/lint/test_tsql.sh
EXTRA_DIST += $(SIM_TESTS) $(STATUS_TESTS) $(TUI_TESTS) $(DRILL_TESTS) tests/tui/tuiharness.py tests/lint/test_tsql.sh \
	tests/lib/simharness.py tests/lib/tap.py tests/fixtures

# Fuzz targets: in make check, a deterministic mutation driver runs each one
# over its corpus under whatever sanitizers the build has; with
# --enable-fuzz (clang) they are libFuzzer binaries instead (tests/fuzz/README).
FUZZ_PROGS = tests/fuzz/fuzz-arm tests/fuzz/fuzz-config tests/fuzz/fuzz-runbook tests/fuzz/fuzz-sql_catalog
check_PROGRAMS += $(FUZZ_PROGS)
if ENABLE_FUZZ
FUZZ_DRIVER =
FUZZ_LINK = $(AM_LDFLAGS) -fsanitize=fuzzer
else
FUZZ_DRIVER = tests/fuzz/driver.c
FUZZ_LINK = $(AM_LDFLAGS)
TESTS += $(FUZZ_PROGS)
endif
FUZZ_TARGET_CFLAGS = $(AM_CFLAGS) -DFUZZ_STRICT_UTF8 -DFUZZ_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_fuzz_fuzz_arm_SOURCES = tests/fuzz/fuzz_arm.c tests/fuzz/fuzz.h $(FUZZ_DRIVER)
tests_fuzz_fuzz_arm_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_arm_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_arm_LDADD = $(CORE_LIBS)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c tests/fuzz/fuzz.h $(FUZZ_DRIVER)
tests_fuzz_fuzz_config_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_config_LDADD = $(CORE_LIBS)
tests_fuzz_fuzz_runbook_SOURCES = tests/fuzz/fuzz_runbook.c tests/fuzz/fuzz.h $(FUZZ_DRIVER)
tests_fuzz_fuzz_runbook_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_runbook_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_runbook_LDADD = $(CORE_LIBS)
tests_fuzz_fuzz_sql_catalog_SOURCES = tests/fuzz/fuzz_sql_catalog.c tests/fuzz/fuzz.h $(FUZZ_DRIVER)
tests_fuzz_fuzz_sql_catalog_CFLAGS = $(FUZZ_TARGET_CFLAGS) -DFUZZ_SEED_DIR='"assets/sql"'
tests_fuzz_fuzz_sql_catalog_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_sql_catalog_LDADD = $(CORE_LIBS)
CLEANFILES += crash-fuzz_*
EXTRA_DIST += tests/fuzz/README tests/fuzz/make-corpus.py tests/fuzz/corpus
