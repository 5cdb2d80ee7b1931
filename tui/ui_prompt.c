/* The prompt: GNU readline's callback interface living inside ncurses.
 *
 * ncurses owns the terminal (readline's prep/deprep hooks are off, its
 * signal and SIGWINCH handling too, and it must not touch LINES/COLUMNS).
 * Keys come from wgetch(); those for the line editor are turned back into
 * the bytes readline understands, queued, and handed over through
 * rl_getc_function / rl_input_available_hook by rl_callback_read_char().
 * readline's own output goes to /dev/null; rl_redisplay_function only marks
 * the frame dirty, and the line is drawn into the prompt row with the rest
 * of the screen.
 *
 * Tab completes from the command table (cmd_complete()), never file names;
 * several candidates are listed in the footer. History lives in
 * $XDG_STATE_HOME/ssisdr/history (1000 lines).
 *
 * A mutating command's plan waits for its confirmation here: the prompt
 * becomes cmd_pending_prompt() and the next line goes to cmd_confirm();
 * Esc, ^C or an empty line cancel it. A drill's questions (ui->ask: an
 * action's target, a manual step's yes, a skip's or an abort's reason)
 * take the prompt the same way; their lines go to ui_drill_line(). */
#include <config.h>

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "core/op.h"
#include "tui/ui_int.h"

#define HISTORY_KEEP 1000

static struct ui *g_ui;              /* readline's hooks take no user pointer */
static unsigned char inq[512];       /* bytes waiting for readline */
static size_t inq_head, inq_len;
static FILE *rl_null;
static char history_file[PATH_MAX];
static char cur_prompt[512];

/* ---- the byte queue readline reads from --------------------------------- */

static void q_push(const char *bytes, size_t n)
{
	for (size_t i = 0; i < n && inq_len < sizeof(inq); i++)
		inq[(inq_head + inq_len++) % sizeof(inq)] = (unsigned char)bytes[i];
}

static int rl_getc_hook(FILE *f)
{
	int c;

	if (inq_len > 0) {
		c = inq[inq_head];
		inq_head = (inq_head + 1) % sizeof(inq);
		inq_len--;
		return c;
	}
	/* readline wants more than was queued (a rare partial sequence):
	 * wait briefly, never for long, and never report EOF. */
	wtimeout(stdscr, 20);
	c = wgetch(stdscr);
	wtimeout(stdscr, UI_TICK_MS);
	if (c >= 256)
		ungetch(c); /* a function key: the main loop will see it */
	return c >= 0 && c < 256 ? c : 0;
}

static int rl_avail_hook(void)
{
	return inq_len > 0;
}

static void rl_redisplay_hook(void)
{
	if (g_ui)
		g_ui->dirty = true;
}

static void feed(const char *bytes, size_t n)
{
	q_push(bytes, n);
	while (inq_len > 0)
		rl_callback_read_char();
}

/* ---- history ------------------------------------------------------------- */

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

void ui_history_path(char *out, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[PATH_MAX];

	out[0] = '\0';
	if (state && state[0] == '/') {
		snprintf(dir, sizeof(dir), "%s/ssisdr", state);
	} else {
		if (!home || !*home) {
			struct passwd *pw = getpwuid(getuid());

			home = pw ? pw->pw_dir : NULL;
		}
		if (!home)
			return;
		snprintf(dir, sizeof(dir), "%s/.local/state/ssisdr", home);
	}
	if (mkdirs(dir))
		return;
	snprintf(out, len, "%s/history", dir);
}

static void remember(const char *line)
{
	HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;

	if (!*line || (last && !strcmp(last->line, line)))
		return;
	add_history(line);
	if (history_file[0])
		write_history(history_file);
}

/* ---- completion from the command table ------------------------------------ */

static char word_breaks[] = " \t";

static char *common_prefix(char **m, int n)
{
	size_t len = strlen(m[0]);

	for (int i = 1; i < n; i++) {
		size_t k = 0;

		while (k < len && m[i][k] == m[0][k])
			k++;
		len = k;
	}
	return strndup(m[0], len);
}

static char **complete(const char *text, int start, int end)
{
	char **cands, **m, **res;
	size_t tlen = strlen(text);
	int n = 0, cap = 0;

	rl_attempted_completion_over = 1; /* never fall back to file names */
	if (!g_ui || g_ui->pending || g_ui->ask != UI_ASK_NONE)
		return NULL;
	cands = cmd_complete(g_ui->con, rl_line_buffer, (size_t)end);
	if (!cands)
		return NULL;
	for (cap = 0; cands[cap]; cap++)
		;
	m = calloc((size_t)cap + 1, sizeof(*m));
	for (int i = 0; m && cands[i]; i++) {
		const char *c = cands[i];

		/* A candidate may repeat the words before this one ("ir start"). */
		if (start > 0 && !strncmp(c, rl_line_buffer, (size_t)start))
			c += start;
		if (strncmp(c, text, tlen))
			continue;
		for (int k = 0; k < n; k++)
			if (!strcmp(m[k], c))
				goto next;
		m[n++] = strdup(c);
next:;
	}
	for (int i = 0; cands[i]; i++)
		free(cands[i]);
	free(cands);
	if (!m || n == 0) {
		free(m);
		return NULL;
	}
	res = calloc((size_t)n + 2, sizeof(*res));
	if (!res) {
		for (int i = 0; i < n; i++)
			free(m[i]);
		free(m);
		return NULL;
	}
	if (n == 1) {
		res[0] = m[0];
	} else {
		res[0] = common_prefix(m, n);
		for (int i = 0; i < n; i++)
			res[i + 1] = m[i];
	}
	free(m);
	return res;
}

static char *no_entries(const char *text, int state)
{
	return NULL;
}

/* The candidates go to the footer, not to readline's stdout. */
static void show_matches(char **matches, int num, int max_length)
{
	size_t used;

	if (!g_ui)
		return;
	snprintf(g_ui->hint, sizeof(g_ui->hint), "Tab:");
	for (int i = 1; i <= num; i++) {
		used = strlen(g_ui->hint);
		if (used + strlen(matches[i]) + 16 >= sizeof(g_ui->hint)) {
			snprintf(g_ui->hint + used, sizeof(g_ui->hint) - used, "  (%d more)", num - i + 1);
			break;
		}
		snprintf(g_ui->hint + used, sizeof(g_ui->hint) - used, "  %s", matches[i]);
	}
	g_ui->dirty = true;
}

static void complete_init(void)
{
	rl_attempted_completion_function = complete;
	rl_completion_entry_function = no_entries;
	rl_completion_display_matches_hook = show_matches;
	rl_basic_word_break_characters = word_breaks;
	rl_completer_word_break_characters = word_breaks;
}

/* ---- lines ------------------------------------------------------------------ */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static void confirm_line(struct ui *ui, char *typed)
{
	struct cmd_pending *p = ui->pending;
	struct op *op = NULL;
	enum cmd_result r;
	unsigned long before;
	bool said;

	ui->pending = NULL;
	ui_overlay_close(ui);
	if (!*typed) {
		cmd_pending_free(p);
		ui_log_add(ui, UI_LOG_UI, SEV_INFO, "cancelled");
		ui_prompt_update(ui);
		return;
	}
	ui_log_add(ui, UI_LOG_ECHO, SEV_INFO, "%s", typed);
	before = ui_log_changed(ui);
	r = cmd_confirm(p, typed, &op);
	said = ui_log_changed(ui) != before; /* the core explains its refusals */
	switch (r) {
	case CMD_STARTED:
		ui_log_add(ui, UI_LOG_UI, SEV_INFO, "started%s%s; progress follows here",
			   op ? ": " : "", op ? op->plan.title : "");
		break;
	case CMD_OK:
		break;
	case CMD_REFUSED:
		if (!said)
			ui_log_add(ui, UI_LOG_UI, SEV_WARNING, "not confirmed: nothing was done");
		break;
	default:
		if (!said)
			ui_log_add(ui, UI_LOG_UI, SEV_WARNING, "the command did not start");
		break;
	}
	if (op)
		op_unref(op);
	ui_prompt_update(ui);
}

static void on_line(char *line)
{
	struct ui *ui = g_ui;

	if (!ui) {
		free(line);
		return;
	}
	ui->dirty = true;
	if (!line) { /* ^D on an empty line */
		if (ui->ask != UI_ASK_NONE)
			ui_drill_cancel_ask(ui);
		else if (ui->pending)
			ui_prompt_cancel_pending(ui, "cancelled");
		else
			ui_request_quit(ui);
		return;
	}
	if (ui->ask != UI_ASK_NONE) {
		ui_drill_line(ui, trim(line)); /* a drill's question, a skip's or an abort's reason */
	} else if (ui->pending) {
		confirm_line(ui, trim(line));
	} else {
		char *l = trim(line);

		remember(l);
		ui_run_line(ui, l);
	}
	free(line);
}

/* ---- set-up ---------------------------------------------------------------- */

int ui_prompt_init(struct ui *ui)
{
	g_ui = ui;
	inq_head = inq_len = 0;
	rl_null = fopen("/dev/null", "w");
	rl_readline_name = "ssisdr";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = rl_getc_hook;
	rl_input_available_hook = rl_avail_hook;
	rl_redisplay_function = rl_redisplay_hook;
	rl_instream = stdin;
	rl_outstream = rl_null ? rl_null : stderr;
	complete_init();

	using_history();
	stifle_history(HISTORY_KEEP);
	ui_history_path(history_file, sizeof(history_file));
	if (history_file[0])
		read_history(history_file);
	snprintf(cur_prompt, sizeof(cur_prompt), "%s", UI_MAIN_PROMPT);
	rl_callback_handler_install(cur_prompt, on_line);

	/* After the inputrc was read: what must hold whatever it says. */
	rl_variable_bind("bell-style", "none");
	rl_variable_bind("enable-bracketed-paste", "off");
	rl_variable_bind("enable-keypad", "off");
	rl_variable_bind("show-all-if-ambiguous", "on");
	rl_bind_keyseq("\033[A", rl_get_previous_history);
	rl_bind_keyseq("\033[B", rl_get_next_history);
	rl_bind_keyseq("\033[C", rl_forward_char);
	rl_bind_keyseq("\033[D", rl_backward_char);
	rl_bind_keyseq("\033[H", rl_beg_of_line);
	rl_bind_keyseq("\033[F", rl_end_of_line);
	rl_bind_keyseq("\033[3~", rl_delete);
	rl_bind_keyseq("\033[1;5C", rl_forward_word);
	rl_bind_keyseq("\033[1;5D", rl_backward_word);
	return 0;
}

void ui_prompt_free(struct ui *ui)
{
	if (ui->pending) {
		cmd_pending_free(ui->pending);
		ui->pending = NULL;
	}
	rl_callback_handler_remove();
	if (history_file[0])
		write_history(history_file);
	rl_outstream = stdout;
	if (rl_null)
		fclose(rl_null);
	rl_null = NULL;
	g_ui = NULL;
}

/* ---- state changes ----------------------------------------------------------- */

void ui_prompt_update(struct ui *ui)
{
	const char *want = ui->ask != UI_ASK_NONE ? ui->ask_prompt
			   : ui->pending	   ? cmd_pending_prompt(ui->pending)
						   : UI_MAIN_PROMPT;

	if (!want || !*want)
		want = "confirm: ";
	if (strcmp(want, cur_prompt)) {
		snprintf(cur_prompt, sizeof(cur_prompt), "%s", want);
		rl_set_prompt(cur_prompt);
	}
	ui->dirty = true;
}

static void clear_line(void)
{
	rl_callback_sigcleanup(); /* leaves a search, a numeric argument, a key sequence */
	rl_replace_line("", 1);
	rl_point = rl_end = rl_mark = 0;
	using_history();
	rl_set_prompt(cur_prompt);
}

void ui_prompt_clear(struct ui *ui)
{
	clear_line();
	ui_prompt_update(ui);
}

void ui_prompt_set_pending(struct ui *ui, struct cmd_pending *p)
{
	if (ui->pending)
		cmd_pending_free(ui->pending);
	ui->pending = p;
	ui->focus = UI_FOCUS_PROMPT;
	clear_line();
	ui_prompt_update(ui);
}

void ui_prompt_cancel_pending(struct ui *ui, const char *why)
{
	if (!ui->pending)
		return;
	cmd_pending_free(ui->pending);
	ui->pending = NULL;
	ui_overlay_close(ui);
	ui_log_add(ui, UI_LOG_UI, SEV_INFO, "%s", why);
	clear_line();
	ui_prompt_update(ui);
}

void ui_prompt_focus(struct ui *ui, const char *prefill)
{
	ui->focus = UI_FOCUS_PROMPT;
	if (prefill) {
		rl_replace_line(prefill, 1);
		rl_point = rl_end;
	}
	ui->dirty = true;
}

bool ui_prompt_empty(void)
{
	return rl_end == 0;
}

void ui_prompt_ctrl_c(struct ui *ui)
{
	if (ui->ask != UI_ASK_NONE) {
		clear_line();
		ui_drill_cancel_ask(ui);
		return;
	}
	if (ui->pending) {
		ui_prompt_cancel_pending(ui, "cancelled");
		return;
	}
	clear_line();
	ui->dirty = true;
}

void ui_prompt_escape(struct ui *ui)
{
	if (RL_ISSTATE(RL_STATE_ISEARCH | RL_STATE_NSEARCH)) {
		feed("\033", 1); /* ends the search, keeps the line */
		return;
	}
	if (ui->ask != UI_ASK_NONE) {
		clear_line();
		ui_drill_cancel_ask(ui);
		return;
	}
	if (ui->pending) {
		ui_prompt_cancel_pending(ui, "cancelled");
		return;
	}
	ui->focus = UI_FOCUS_PANES;
	ui->dirty = true;
}

/* ---- keys ---------------------------------------------------------------------- */

static const char *key_seq(int key)
{
	switch (key) {
	case KEY_UP: return "\033[A";
	case KEY_DOWN: return "\033[B";
	case KEY_RIGHT: return "\033[C";
	case KEY_LEFT: return "\033[D";
	case KEY_HOME: return "\033[H";
	case KEY_END: return "\033[F";
	case KEY_DC: return "\033[3~";
	case KEY_BACKSPACE: return "\177";
	case KEY_ENTER: return "\r";
	case KEY_BTAB: return "\t";
	default: break;
	}
	if (key > KEY_MAX) { /* extended keys: Ctrl-arrows */
		const char *name = keyname(key);

		if (name && !strcmp(name, "kRIT5"))
			return "\033[1;5C";
		if (name && !strcmp(name, "kLFT5"))
			return "\033[1;5D";
	}
	return NULL;
}

void ui_prompt_key(struct ui *ui, int key)
{
	char buf[8];
	size_t n = 0;

	if (key == 27) {
		int next;

		wtimeout(stdscr, 0);
		next = wgetch(stdscr);
		wtimeout(stdscr, UI_TICK_MS);
		if (next != ERR && next >= 0 && next < 256 && next != 27) {
			buf[0] = 27; /* Alt-key: a readline meta binding */
			buf[1] = (char)next;
			feed(buf, 2);
			return;
		}
		if (next != ERR)
			ungetch(next);
		ui_prompt_escape(ui);
		return;
	}
	if (key == 3) {
		ui_prompt_ctrl_c(ui);
		return;
	}
	if (key == '?' && rl_end == 0 && !ui->pending && ui->ask == UI_ASK_NONE) {
		ui_help_open(ui, NULL);
		return;
	}
	if (key >= 256 || key < 0) {
		const char *seq = key_seq(key);

		if (seq)
			feed(seq, strlen(seq));
		return;
	}
	if (key == '\n')
		key = '\r';
	buf[n++] = (char)key;
	if (key >= 0xc0 && key < 0xf8) { /* the rest of a UTF-8 character */
		int more = key >= 0xf0 ? 3 : key >= 0xe0 ? 2 : 1;

		wtimeout(stdscr, 20);
		while (more-- > 0) {
			int c = wgetch(stdscr);

			if (c < 0x80 || c > 0xbf) {
				if (c != ERR)
					ungetch(c);
				break;
			}
			buf[n++] = (char)c;
		}
		wtimeout(stdscr, UI_TICK_MS);
	}
	feed(buf, n);
}
