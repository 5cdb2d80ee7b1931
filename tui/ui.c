/* The screen's life: terminal set-up and restore, colour / ASCII / NO_COLOR,
 * the main loop, keys on the panes, running a command line.
 *
 * The loop never waits on the network or a database: it waits at most
 * UI_TICK_MS for a key, then looks (without blocking) for a newer snapshot
 * (its seq), new events (their seq), the running operations and the clock,
 * and draws a frame only when something changed: erase, draw into stdscr,
 * wnoutrefresh, doupdate; never clear(). The poller and the operations run
 * on their own threads in core/. */
#include <config.h>

#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cmd.h"
#include "core/console.h"
#include "tui/ui.h"
#include "tui/ui_int.h"

static volatile sig_atomic_t g_signal; /* SIGTERM or SIGHUP: leave the loop */
static volatile sig_atomic_t g_sigint; /* SIGINT: as ^C */

static void on_term(int sig)
{
	g_signal = sig;
}

static void on_int(int sig)
{
	g_sigint = 1;
}

/* ---- small accessors ------------------------------------------------------ */

size_t ui_pair_index(const struct ui *ui)
{
	size_t n = ui->con->cfg ? ui->con->cfg->npairs : 0;

	if (ui->snap && ui->snap->npairs > n)
		n = ui->snap->npairs;
	return n == 0 || ui->con->pair < n ? ui->con->pair : n - 1;
}

const struct model_pair *ui_pair(const struct ui *ui)
{
	size_t i = ui_pair_index(ui);

	return ui->snap && i < ui->snap->npairs ? &ui->snap->pairs[i] : NULL;
}

const struct config_pair *ui_config_pair(const struct ui *ui)
{
	size_t i = ui_pair_index(ui);

	return ui->con->cfg && i < ui->con->cfg->npairs ? &ui->con->cfg->pairs[i] : NULL;
}

long ui_refresh_seconds(const struct ui *ui)
{
	long r = ui->con->cfg ? ui->con->cfg->console.refresh : 0;

	return r > 0 ? r : 10;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- commands ------------------------------------------------------------- */

void ui_request_quit(struct ui *ui)
{
	int ops = console_running_ops(ui->con);

	if (ui->pending)
		ui_prompt_cancel_pending(ui, "cancelled");
	if (ui->ask != UI_ASK_NONE)
		ui_drill_leave_ask(ui); /* unanswered: it comes back unless we quit, and then it runs again on resume */
	if (ops > 0 || ui->drill) {
		ui->last_ops = ops;
		ui->asking_quit = true;
	} else {
		ui->quit = true;
	}
	ui->dirty = true;
}

void ui_switch_pair(struct ui *ui, int delta)
{
	const struct ssisdr_config *cfg = ui->con->cfg;
	size_t n = cfg ? cfg->npairs : 0, next;
	char line[128];

	if (n < 2) {
		snprintf(ui->hint, sizeof(ui->hint), "only one pair is configured");
		ui->dirty = true;
		return;
	}
	next = (ui_pair_index(ui) + n + (size_t)(delta < 0 ? n - 1 : 1)) % n;
	if (cmd_find("pair")) {
		snprintf(line, sizeof(line), "pair %s", cfg->pairs[next].name);
		ui_run_line(ui, line);
	} else {
		ui->con->pair = next;
		ui_log_add(ui, UI_LOG_UI, SEV_INFO, "pair %s", cfg->pairs[next].name);
	}
	ui->dirty = true;
}

/* When the core printed nothing for the plan, show the plan itself. */
static void plan_fallback(struct ui *ui, const struct plan *pl)
{
	char line[700];

	if (!pl)
		return;
	ui_text_add(&ui->plan, pl->title);
	for (int i = 0; i < pl->nsteps; i++) {
		snprintf(line, sizeof(line), "  %d. [%s %s] %s", i + 1, pl->steps[i].site, pl->steps[i].via,
			 pl->steps[i].what);
		ui_text_add(&ui->plan, line);
	}
	for (int i = 0; i < pl->nagainst; i++) {
		snprintf(line, sizeof(line), "  against: %s", pl->against[i]);
		ui_text_add(&ui->plan, line);
	}
}

void ui_run_line(struct ui *ui, const char *line)
{
	struct cmd_pending *p = NULL;
	enum cmd_result r;
	const char *arg;
	size_t captured;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line)
		return;
	ui_log_add(ui, UI_LOG_ECHO, SEV_INFO, "%s", line);
	ui->dirty = true;
	if (!strcmp(line, "?") || (!strncmp(line, "help", 4) && (line[4] == '\0' || line[4] == ' '))) {
		arg = line[0] == '?' ? "" : line + 4;
		while (*arg == ' ')
			arg++;
		ui_help_open(ui, *arg ? arg : NULL);
		return;
	}
	if (!strcmp(line, "q") || !strcmp(line, "quit") || !strcmp(line, "exit")) {
		ui_request_quit(ui);
		return;
	}
	ui_text_clear(&ui->plan);
	pthread_mutex_lock(&ui->log.lock);
	ui->log.capture = &ui->plan;
	ui->log.captured = 0;
	pthread_mutex_unlock(&ui->log.lock);
	r = cmd_run_line(ui->con, line, &ui->out, &p);
	pthread_mutex_lock(&ui->log.lock);
	ui->log.capture = NULL;
	captured = ui->log.captured;
	pthread_mutex_unlock(&ui->log.lock);
	switch (r) {
	case CMD_NEEDS_CONFIRM:
		if (!p) {
			ui_log_add(ui, UI_LOG_UI, SEV_CRITICAL, "internal error: a plan without a confirmation");
			break;
		}
		if (!captured)
			plan_fallback(ui, cmd_pending_plan(p));
		ui_prompt_set_pending(ui, p);
		ui_plan_open(ui, cmd_pending_plan(p) ? cmd_pending_plan(p)->title : "plan");
		break;
	case CMD_QUIT:
		ui_request_quit(ui);
		break;
	case CMD_REFUSED:
		if (!captured)
			ui_log_add(ui, UI_LOG_UI, SEV_WARNING, "refused: %s", line);
		break;
	case CMD_ERROR:
		if (!captured)
			ui_log_add(ui, UI_LOG_UI, SEV_WARNING, "failed: %s", line);
		break;
	case CMD_USAGE:
		if (!captured)
			ui_log_add(ui, UI_LOG_UI, SEV_WARNING, "usage error: %s (try help)", line);
		break;
	case CMD_STARTED:
		if (!captured)
			ui_log_add(ui, UI_LOG_UI, SEV_INFO, "started; progress follows here");
		break;
	case CMD_OK:
		break;
	}
	if (r != CMD_NEEDS_CONFIRM && p)
		cmd_pending_free(p);
}

/* ---- keys on the panes ------------------------------------------------------ */

static void pane_key(struct ui *ui, int c)
{
	const struct cmd_def *def;
	char name[16];

	if (ui_drill_key(ui, c))
		return; /* the drill view's keys come first */
	switch (c) {
	case ':': case '/': case '\r': case '\n': case KEY_ENTER:
		ui_prompt_focus(ui, NULL);
		return;
	case '?':
		ui_help_open(ui, NULL);
		return;
	case 'q':
		ui_request_quit(ui);
		return;
	case 3:
		snprintf(ui->hint, sizeof(ui->hint), "q quits; at the prompt ^C clears the line");
		return;
	case '\t': case 'p':
		ui_switch_pair(ui, 1);
		return;
	case KEY_BTAB:
		ui_switch_pair(ui, -1);
		return;
	case 'v':
		ui->view_triggers = !ui->view_triggers;
		return;
	case KEY_UP: case 'k':
		ui_log_scroll(ui, 1);
		return;
	case KEY_DOWN: case 'j':
		ui_log_scroll(ui, -1);
		return;
	case KEY_HOME:
		ui_log_top(ui);
		return;
	case KEY_END:
		ui_log_follow(ui);
		return;
	case 27: case 4:
		return;
	default:
		break;
	}
	if ((def = ui_table_key(ui, c))) {
		char line[128];

		if (def->min_args > 0) {
			snprintf(line, sizeof(line), "%s ", def->name);
			ui_prompt_focus(ui, line);
		} else {
			ui_run_line(ui, def->name);
		}
		return;
	}
	if (c == 'r') {
		ui_run_line(ui, "refresh");
		return;
	}
	ui_key_name(c, name, sizeof(name));
	snprintf(ui->hint, sizeof(ui->hint), "%s: no such key here %s : opens the prompt, ? shows help", name,
		 ui->g->sep);
}

static void handle_key(struct ui *ui, int c)
{
	ui->hint[0] = '\0';
	ui->dirty = true;
	if (c == KEY_RESIZE)
		return; /* ncurses has resized stdscr; the next frame lays out anew */
	if (c == 12) { /* ^L */
		clearok(curscr, TRUE);
		return;
	}
	if (ui->asking_quit) {
		ui->asking_quit = false;
		if (c == 'y' || c == 'Y')
			ui->quit = true;
		else
			ui_log_add(ui, UI_LOG_UI, SEV_INFO, "not quitting");
		return;
	}
	if (c == KEY_PPAGE || c == KEY_NPAGE) {
		int sign = c == KEY_PPAGE ? 1 : -1;

		if (ui->overlay != UI_OVERLAY_NONE)
			ui_overlay_scroll(ui, -sign * (ui->lay.body.h > 6 ? ui->lay.body.h - 4 : 2));
		else
			ui_log_scroll(ui, sign * (ui->log.height > 2 ? ui->log.height - 1 : 1));
		return;
	}
	if (ui->overlay == UI_OVERLAY_HELP || ui->overlay == UI_OVERLAY_RESULT) {
		switch (c) {
		case 27: case 'q': case '?': case '\r': case '\n': case KEY_ENTER: case 3:
			if (c == 27) { /* swallow an Alt- sequence's second byte */
				wtimeout(stdscr, 0);
				int next = wgetch(stdscr);
				wtimeout(stdscr, UI_TICK_MS);
				if (next != ERR && next >= 256)
					ungetch(next);
			}
			ui_overlay_close(ui);
			return;
		case KEY_UP: case 'k':
			ui_overlay_scroll(ui, -1);
			return;
		case KEY_DOWN: case 'j': case ' ':
			ui_overlay_scroll(ui, c == ' ' ? ui->lay.body.h - 4 : 1);
			return;
		case KEY_HOME:
			ui_overlay_scroll(ui, -(1 << 28));
			return;
		case KEY_END:
			ui_overlay_scroll(ui, 1 << 28);
			return;
		default:
			if (ui->focus != UI_FOCUS_PROMPT)
				return;
			ui_overlay_close(ui); /* typing goes on at the prompt */
			break;
		}
	}
	if (ui->focus == UI_FOCUS_PROMPT || ui->pending || ui->ask != UI_ASK_NONE)
		ui_prompt_key(ui, c);
	else
		pane_key(ui, c);
}

/* ---- frames --------------------------------------------------------------- */

static void draw_too_small(struct ui *ui)
{
	char l2[128];
	const char *l1 = "terminal too small";
	const char *l3 = "enlarge the window (or type quit)";
	int y = (LINES - 1) / 2 - 1;

	snprintf(l2, sizeof(l2), "%dx%d: ssisdr needs at least %dx%d", COLS, LINES, UI_MIN_COLS, UI_MIN_LINES);
	if (y < 0)
		y = 0;
	ui_puts(ui, y, (COLS - ui_strwidth(l1)) / 2 > 0 ? (COLS - ui_strwidth(l1)) / 2 : 0, COLS, UI_WARN, l1);
	if (y + 1 < LINES - 1)
		ui_puts(ui, y + 1, (COLS - ui_strwidth(l2)) / 2 > 0 ? (COLS - ui_strwidth(l2)) / 2 : 0, COLS,
			UI_NORMAL, l2);
	if (y + 2 < LINES - 1)
		ui_puts(ui, y + 2, (COLS - ui_strwidth(l3)) / 2 > 0 ? (COLS - ui_strwidth(l3)) / 2 : 0, COLS,
			UI_DIM, l3);
}

static void render(struct ui *ui)
{
	ui->now = wall_now();
	erase();
	ui_layout_compute(ui, &ui->lay, LINES, COLS);
	if (ui->lay.too_small) {
		draw_too_small(ui);
	} else {
		ui_draw_header(ui);
		ui_draw_site(ui, 0);
		ui_draw_site(ui, 1);
		ui_draw_fog(ui);
		if (ui->lay.show_findings)
			ui_draw_findings(ui);
		if (ui->lay.show_triggers)
			ui_draw_triggers(ui);
		if (ui->lay.show_drill)
			ui_draw_drill(ui);
		ui_draw_log(ui);
		ui_draw_footer(ui);
		ui_draw_overlay(ui);
	}
	ui_draw_prompt(ui); /* last: it places the cursor */
	wnoutrefresh(stdscr);
	doupdate();
	ui->dirty = false;
	ui->drawn_log = ui_log_changed(ui);
}

/* Everything that may have changed without a key. Never blocks. */
static void tick(struct ui *ui)
{
	struct snapshot *s = console_snapshot(ui->con, 0);
	double now = wall_now();
	int ops;

	if (s && (!ui->snap || s->seq != ui->snap_seq)) {
		snap_unref(ui->snap);
		ui->snap = s;
		ui->snap_seq = s->seq;
		ui->dirty = true;
	} else if (s) {
		snap_unref(s);
	}
	if (ui_log_import(ui))
		ui->dirty = true;
	if (ui_log_changed(ui) != ui->drawn_log)
		ui->dirty = true;
	ops = console_running_ops(ui->con);
	if (ops != ui->last_ops) {
		ui->last_ops = ops;
		ui->dirty = true;
	}
	ui_drill_tick(ui);
	if ((long)now != ui->last_second) {
		ui->last_second = (long)now;
		ui->dirty = true;
	}
}

static void loop(struct ui *ui)
{
	wtimeout(stdscr, UI_TICK_MS);
	ui->dirty = true;
	while (!ui->quit && !g_signal) {
		int c = wgetch(stdscr), handled = 0;

		while (c != ERR && !ui->quit && !g_signal) {
			handle_key(ui, c);
			/* Under a flood of input, still show a frame now and then. */
			if (++handled >= 64)
				break;
			wtimeout(stdscr, 0);
			c = wgetch(stdscr);
		}
		wtimeout(stdscr, UI_TICK_MS);
		if (g_sigint) {
			g_sigint = 0;
			handle_key(ui, 3);
		}
		tick(ui);
		if (ui->dirty && !ui->quit)
			render(ui);
	}
}

/* ---- set-up and teardown ---------------------------------------------------- */

static bool env_no_color(void)
{
	const char *v = getenv("NO_COLOR");

	return v && *v;
}

int ui_run(struct console *con, const struct ui_options *o)
{
	struct sigaction sa, old_term, old_hup, old_int;
	struct ui *ui;
	SCREEN *scr;
	int rc = UI_EXIT_OK;
	const char *cs;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "ssisdr: the console needs a terminal; for scripts use `ssisdr status --json`\n");
		return UI_EXIT_NO_TERMINAL;
	}
	if (!(ui = calloc(1, sizeof(*ui))))
		return UI_EXIT_NO_TERMINAL;
	ui->con = con;
	ui->opt = *o;
	con->interactive = true; /* drills run here, with someone to answer them */
	cs = nl_langinfo(CODESET); /* LC_CTYPE was set at the start of main() */
	ui->utf8 = !o->ascii && cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	if (ui_log_init(ui)) {
		free(ui);
		fprintf(stderr, "ssisdr: out of memory\n");
		return UI_EXIT_NO_TERMINAL;
	}
	ui->out.line = ui_cmd_out_line;
	ui->out.user = ui;

	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "ssisdr: cannot use the terminal (TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		ui_log_free(ui);
		free(ui);
		return UI_EXIT_NO_TERMINAL;
	}
	set_term(scr);
	g_signal = 0;
	g_sigint = 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, &old_int);

	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	meta(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	if (!o->no_color && !env_no_color() && has_colors()) {
		start_color();
		/* The terminal's own background where it can keep it. */
		ui->color_bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
		ui->color = true;
	}
	ui_draw_init(ui);
	ui_prompt_init(ui);
	ui->focus = UI_FOCUS_PROMPT;
	ui_log_add(ui, UI_LOG_UI, SEV_INFO, "ssisdr console%s: type a command, Tab completes, ? helps, Esc for keys",
		   con->read_only ? " (read-only)" : "");
	if (con->audit_error[0] && !con->read_only)
		ui_log_add(ui, UI_LOG_UI, SEV_WARNING, "audit log: %s", con->audit_error);
	ui_drill_startup(ui);

	loop(ui);

	if (g_signal)
		rc = 128 + (int)g_signal;
	ui_prompt_free(ui);
	curs_set(1);
	endwin();
	delscreen(scr);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGINT, &old_int, NULL);
	snap_unref(ui->snap);
	ui_text_free(&ui->help);
	ui_text_free(&ui->plan);
	ui_text_free(&ui->result);
	ui_rows_free(&ui->rows);
	ui_log_free(ui);
	free(ui);
	return rc;
}
