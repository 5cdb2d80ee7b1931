# sim/: ssisdr-sim, a loopback stand-in for Azure (ARM + token endpoint)
# whose SQL side is SQLite files read through the SQLite ODBC driver.
bin_PROGRAMS += sim/ssisdr-sim

sim_ssisdr_sim_SOURCES = \
	sim/sim_main.c \
	sim/sim_clock.c sim/sim_clock.h \
	sim/sim_world.c sim/sim_world.h \
	sim/sim_scenario.c sim/sim_scenario.h \
	sim/sim_db.c sim/sim_db.h sim/sim_db_private.h sim/sim_db_seed.c sim/sim_db_schema.c \
	sim/sim_auth.c \
	sim/sim_fault.c sim/sim_fault.h \
	sim/sim_http.c sim/sim_http.h \
	sim/sim_json.c sim/sim_json.h \
	sim/sim_arm_adf.c \
	sim/sim_arm_sql.c \
	sim/sim_arm_ops.c \
	sim/sim_control.c \
	sim/sim_routes.h \
	sim/sim_conf_out.c
sim_ssisdr_sim_CPPFLAGS = $(AM_CPPFLAGS) -DSSISDR_SCENARIODIR='"$(pkgdatadir)/scenarios"' \
	-DSSISDR_SRC_SCENARIODIR='"$(abs_top_srcdir)/assets/scenarios"'
sim_ssisdr_sim_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS) $(SQLITE_CFLAGS) $(INIH_CFLAGS)
sim_ssisdr_sim_LDADD = $(MHD_LIBS) $(JSONC_LIBS) $(SQLITE_LIBS) $(INIH_LIBS) $(PTHREAD_LIBS) -lm
