# tui/: the console program (tui/ssisdr). It links core/libssisdr-core.a and
# never calls curl or ODBC itself.
bin_PROGRAMS += tui/ssisdr

tui_ssisdr_SOURCES = tui/main.c
tui_ssisdr_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(INIH_CFLAGS)
tui_ssisdr_LDADD = $(CORE_LIBS)
