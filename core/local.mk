# core/: everything but the screen. No curses, no readline.
noinst_LIBRARIES += core/libssisdr-core.a

core_libssisdr_core_a_SOURCES = \
	core/util.c core/util.h \
	core/model.c core/model.h \
	core/arm_model.h \
	core/arm_json.c core/arm_json.h \
	core/arm_parse.c core/arm_parse.h \
	core/arm_parse_adf.c core/arm_parse_sql.c core/arm_parse_token.c \
	core/config.c core/config.h core/config_private.h \
	core/config_keys.c core/config_check.c core/config_find.c \
	core/secret.c core/secret.h \
	core/http.c core/http.h \
	core/auth.c core/auth.h \
	core/arm_client.c core/arm_client.h core/arm_client_int.h core/arm_lro.c \
	core/sql.c core/sql.h core/sql_site.c \
	core/sql_catalog.c core/sql_catalog.h \
	core/rule.c core/rule.h core/rule_impl.h \
	core/rule_roles.c core/rule_ir.c core/rule_triggers.c core/rule_sql.c core/rule_data.c \
	core/role.c core/role.h \
	core/snapshot.c core/snapshot.h \
	core/fetch.h core/fetch_arm.c core/fetch_sql.c \
	core/poller.c core/poller.h \
	core/status.c core/status.h \
	core/events.c core/events.h \
	core/audit.c core/audit.h \
	core/console.c core/console.h \
	core/op.c core/op.h \
	core/cmd.c core/cmd.h core/cmd_impl.h core/cmd_table.c core/cmd_basic.c \
	core/cmd_failover.c core/cmd_ir.c core/cmd_triggers.c core/cmd_schedules.c core/cmd_fir.c \
	core/cmd_drill.c \
	core/exec.c core/exec.h \
	core/demo.c core/demo.h \
	core/runbook.c core/runbook.h core/runbook_cond.c \
	core/drill.c core/drill.h core/drill_impl.h core/drill_steps.c core/drill_setup.c \
	core/drill_cond.c core/drill_state.c core/drill_report.c core/drill_async.c \
	core/drill_vars.c core/drill_cli.c core/drill_cli.h
nodist_core_libssisdr_core_a_SOURCES = core/sql_text_mssql.c core/sql_text_sqlite.c
core_libssisdr_core_a_CPPFLAGS = $(AM_CPPFLAGS) -DSSISDR_BINDIR='"$(bindir)"' \
	-DSSISDR_RUNBOOKDIR='"$(pkgdatadir)/runbooks"' \
	-DSSISDR_SRC_RUNBOOKDIR='"$(abs_top_srcdir)/assets/runbooks"'
core_libssisdr_core_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JSONC_CFLAGS) $(ODBC_CFLAGS) $(INIH_CFLAGS)
CORE_LIBS = core/libssisdr-core.a $(CURL_LIBS) $(JSONC_LIBS) $(ODBC_LIBS) $(INIH_LIBS) $(PTHREAD_LIBS) -lm

# Every SQL statement lives in a dialect file; the build embeds them.
SQL_EMBED = $(AWK) -f $(srcdir)/assets/sql/embed.awk
core/sql_text_mssql.c: $(srcdir)/assets/sql/mssql.sql $(srcdir)/assets/sql/embed.awk
	$(AM_V_GEN)$(MKDIR_P) core && $(SQL_EMBED) -v name=mssql $(srcdir)/assets/sql/mssql.sql > $@.tmp && mv $@.tmp $@
core/sql_text_sqlite.c: $(srcdir)/assets/sql/sqlite.sql $(srcdir)/assets/sql/embed.awk
	$(AM_V_GEN)$(MKDIR_P) core && $(SQL_EMBED) -v name=sqlite $(srcdir)/assets/sql/sqlite.sql > $@.tmp && mv $@.tmp $@
BUILT_SOURCES += core/sql_text_mssql.c core/sql_text_sqlite.c
CLEANFILES += core/sql_text_mssql.c core/sql_text_sqlite.c
EXTRA_DIST += assets/sql/mssql.sql assets/sql/sqlite.sql assets/sql/embed.awk
