# tui/: the console program (tui/ssisdr): the ncurses screen and the
# readline prompt. It links core/libssisdr-core.a and never calls curl or
# ODBC itself.
bin_PROGRAMS += tui/ssisdr

tui_ssisdr_SOURCES = \
	tui/main.c \
	tui/ui.c tui/ui.h tui/ui_int.h \
	tui/ui_layout.c tui/ui_draw.c tui/ui_panes.c tui/ui_lists.c \
	tui/ui_log.c tui/ui_prompt.c tui/ui_help.c tui/ui_drill.c tui/ui_drill_view.c
tui_ssisdr_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS) $(READLINE_CFLAGS) $(JSONC_CFLAGS) $(INIH_CFLAGS)
tui_ssisdr_LDADD = $(CORE_LIBS) $(NCURSES_LIBS) $(READLINE_LIBS)
