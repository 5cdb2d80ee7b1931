/* The full-screen console (ncursesw + GNU readline). tui/main.c opens the
 * console (core/console.h) and hands it over to ui_run(); the screen only
 * reads snapshots and events and calls the command table (core/cmd.h): it
 * never waits on the network or a database.
 *
 * ui_run() restores the terminal on every way out (quit, Ctrl-D, SIGTERM,
 * SIGHUP) and never calls exit(). */
#ifndef TUI_UI_H
#define TUI_UI_H

#include <stdbool.h>

struct console;

struct ui_options {
	bool no_color; /* --no-color; NO_COLOR (non-empty) in the environment is honoured too */
	bool ascii;    /* --ascii: ASCII line drawing and symbols (also when the locale is not UTF-8) */
};

/* Exit codes of ui_run(). */
#define UI_EXIT_OK 0          /* the operator quit */
#define UI_EXIT_NO_TERMINAL 2 /* stdin/stdout is not a terminal, or TERM is unusable */
/* a terminating signal (SIGTERM, SIGHUP) gives 128 + its number */

int ui_run(struct console *con, const struct ui_options *o);

#endif
