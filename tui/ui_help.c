/* Overlays (help from the command table; the plan of a mutating command
 * while it waits for its confirmation) and the keys valid now, which the
 * footer and the help show. Keys of commands the console will not run (a
 * mutating command in read-only mode) are absent, as htop blanks them. */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui_int.h"

/* ---- text for overlays -------------------------------------------------- */

void ui_text_clear(struct ui_text *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->line[i]);
	t->n = 0;
	t->scroll = 0;
	t->title[0] = '\0';
}

void ui_text_free(struct ui_text *t)
{
	ui_text_clear(t);
	free(t->line);
	t->line = NULL;
	t->cap = 0;
}

void ui_text_add(struct ui_text *t, const char *line)
{
	const char *p = line;

	do {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *copy;

		if (t->n == t->cap) {
			int cap = t->cap ? t->cap * 2 : 64;
			char **grown = realloc(t->line, (size_t)cap * sizeof(*grown));

			if (!grown)
				return;
			t->line = grown;
			t->cap = cap;
		}
		if (!(copy = strndup(p, n)))
			return;
		t->line[t->n++] = copy;
		p = nl ? nl + 1 : NULL;
	} while (p);
}

static void text_line(void *user, enum severity sev, const char *text)
{
	ui_text_add(user, text ? text : "");
}

/* ---- keys ----------------------------------------------------------------- */

static bool ui_reserved(int key)
{
	switch (key) {
	case ':': case '/': case '?': case 'q': case 'p': case 'v': case 'j': case 'k': case 'd':
	case '\t': case '\r': case '\n': case 12:
	case KEY_ENTER: case KEY_BTAB: case KEY_PPAGE: case KEY_NPAGE: case KEY_HOME: case KEY_END:
	case KEY_UP: case KEY_DOWN: case KEY_RESIZE:
		return true;
	default:
		return false;
	}
}

const struct cmd_def *ui_table_key(struct ui *ui, int key)
{
	size_t n;
	const struct cmd_def *t = cmd_table(&n);

	if (key <= 0 || ui_reserved(key))
		return NULL;
	for (size_t i = 0; t && i < n; i++)
		if (t[i].key == key && cmd_available(ui->con, &t[i]))
			return &t[i];
	return NULL;
}

static int hint(struct ui_keyhint *out, int n, int max, const char *key, const char *what, bool table)
{
	if (n >= max)
		return n;
	snprintf(out[n].key, sizeof(out[n].key), "%s", key);
	snprintf(out[n].what, sizeof(out[n].what), "%s", what);
	out[n].from_table = table;
	return n + 1;
}

/* Keys the drill view takes over while it shows. */
static bool drill_key(const struct ui *ui, int key)
{
	return ui_drill_visible(ui) && (key == 'n' || key == 'r' || key == 's' || key == 'a' || key == 'd' || key == 'P');
}

static int pane_hints(struct ui *ui, struct ui_keyhint *out, int max)
{
	size_t nt;
	const struct cmd_def *t = cmd_table(&nt);
	bool table_r = false;
	int n = 0;

	if (ui_drill_visible(ui))
		n = ui_drill_hints(ui, out, n, max);
	n = hint(out, n, max, ":", "command", false);
	n = hint(out, n, max, "?", "help", false);
	if (ui->con->cfg->npairs > 1)
		n = hint(out, n, max, "Tab", "next pair", false);
	n = hint(out, n, max, "q", "quit", false);
	for (size_t i = 0; t && i < nt; i++) {
		char key[16];

		if (!t[i].key || ui_reserved(t[i].key) || !cmd_available(ui->con, &t[i]) || drill_key(ui, t[i].key))
			continue;
		table_r |= t[i].key == 'r';
		ui_key_name(t[i].key, key, sizeof(key));
		n = hint(out, n, max, key, t[i].name, true);
	}
	if (!table_r && !drill_key(ui, 'r'))
		n = hint(out, n, max, "r", "refresh", false);
	if (ui->lay.triggers_hidden)
		n = hint(out, n, max, "v", ui->view_triggers ? "findings" : "triggers", false);
	if (!ui_drill_visible(ui))
		n = ui_drill_hints(ui, out, n, max);
	n = hint(out, n, max, "PgUp/PgDn", "scroll", false);
	return n;
}

static int prompt_hints(struct ui *ui, struct ui_keyhint *out, int max)
{
	int n = 0;

	n = hint(out, n, max, "Enter", "run", false);
	n = hint(out, n, max, "Tab", "complete", false);
	n = hint(out, n, max, ui->utf8 ? "\u2191\u2193" : "Up/Dn", "history", false);
	n = hint(out, n, max, "^C", "clear", false);
	n = hint(out, n, max, "Esc", "keys", false);
	n = hint(out, n, max, "?", "help", false);
	if (ui->con->cfg->npairs > 1)
		n = hint(out, n, max, "pair", "NAME", false);
	n = hint(out, n, max, "PgUp/PgDn", "scroll", false);
	return n;
}

int ui_keyhints(struct ui *ui, struct ui_keyhint *out, int max)
{
	int n = 0;

	if (ui->asking_quit) {
		n = hint(out, n, max, "y", "quit anyway", false);
		return hint(out, n, max, "n/Esc", "stay", false);
	}
	if (ui->overlay == UI_OVERLAY_HELP || ui->overlay == UI_OVERLAY_RESULT) {
		n = hint(out, n, max, "Esc/q", "close", false);
		return hint(out, n, max, "PgUp/PgDn", "scroll", false);
	}
	if (ui->ask != UI_ASK_NONE) {
		bool question = ui->ask == UI_ASK_CONFIRM || ui->ask == UI_ASK_MANUAL;

		n = hint(out, n, max, "Enter", question ? "answer" : "go on", false);
		n = hint(out, n, max, "Esc/^C", question ? "decline" : "cancel", false);
		return question ? hint(out, n, max, "PgUp/PgDn", "plan", false) : n;
	}
	if (ui->pending) {
		n = hint(out, n, max, "Enter", "confirm", false);
		n = hint(out, n, max, "Esc/^C/empty", "cancel", false);
		return hint(out, n, max, "PgUp/PgDn", "plan", false);
	}
	if (ui->focus == UI_FOCUS_PROMPT)
		return prompt_hints(ui, out, max);
	return pane_hints(ui, out, max);
}

/* ---- overlays -------------------------------------------------------------- */

void ui_help_open(struct ui *ui, const char *command)
{
	struct cmd_out out = { text_line, &ui->help };
	struct ui_keyhint h[48];
	int n;

	ui_text_clear(&ui->help);
	snprintf(ui->help.title, sizeof(ui->help.title), "help%s%s", command ? ": " : "", command ? command : "");
	cmd_help(ui->con, command, &out);
	if (!command) {
		ui_text_add(&ui->help, "");
		ui_text_add(&ui->help, "Keys on the panes (Esc leaves the prompt):");
		n = pane_hints(ui, h, 48);
		for (int i = 0; i < n; i++) {
			char line[96];

			snprintf(line, sizeof(line), "  %-10s %s", h[i].key, h[i].what);
			ui_text_add(&ui->help, line);
		}
		ui_text_add(&ui->help, "  Up/Down    scroll the events by a line; Home/End: oldest / follow");
		if (ui->con->cfg->npairs > 1)
			ui_text_add(&ui->help, "  p, S-Tab   next / previous pair (or: pair NAME)");
		ui_text_add(&ui->help, "  Enter      open the prompt");
		ui_text_add(&ui->help, "  ^L         redraw");
		ui_text_add(&ui->help, "");
		ui_text_add(&ui->help, "Keys at the prompt:");
		ui_text_add(&ui->help, "  Enter      run the line        Tab     complete a command or argument");
		ui_text_add(&ui->help, "  Up/Down    history             ^R      search the history");
		ui_text_add(&ui->help, "  ^C         clear the line      Esc     back to the panes");
		ui_text_add(&ui->help, "  ^D         quit (on an empty line); `help COMMAND` explains one command");
		ui_text_add(&ui->help, "");
		ui_text_add(&ui->help, "A mutating command prints its plan and asks you to type its target;");
		ui_text_add(&ui->help, "Esc, ^C or an empty line cancels. Stale data is marked with its age.");
		ui_text_add(&ui->help, "");
		ui_text_add(&ui->help, "While a drill runs (drill RUNBOOK), keys on the drill view:");
		ui_text_add(&ui->help, "  n          run the current step (again, when it failed)");
		ui_text_add(&ui->help, "  r          run on until a step fails or the drill ends; P pauses after the step");
		ui_text_add(&ui->help, "  s          skip the current step (asks for a reason; a running step stops)");
		ui_text_add(&ui->help, "  a          abort the drill (asks for a reason, then to type abort)");
		ui_text_add(&ui->help, "  d, Esc     hide the view (d shows it again); the prompt works meanwhile");
		ui_text_add(&ui->help, "The drill's actions ask for their target at the prompt, manual steps for yes.");
	}
	ui->overlay = UI_OVERLAY_HELP;
	ui->dirty = true;
}

void ui_plan_open(struct ui *ui, const char *title)
{
	snprintf(ui->plan.title, sizeof(ui->plan.title), "%s", title && *title ? title : "plan");
	ui->plan.scroll = 0;
	ui->overlay = UI_OVERLAY_PLAN;
	ui->dirty = true;
}

void ui_overlay_close(struct ui *ui)
{
	ui->overlay = UI_OVERLAY_NONE;
	ui->dirty = true;
}

static struct ui_text *overlay_text(struct ui *ui)
{
	switch (ui->overlay) {
	case UI_OVERLAY_HELP: return &ui->help;
	case UI_OVERLAY_PLAN: return &ui->plan;
	case UI_OVERLAY_RESULT: return &ui->result;
	default: return NULL;
	}
}

#define OV_WRAP 32

static int overlay_rows(struct ui_text *t, int width)
{
	int rows = 0, start[OV_WRAP], len[OV_WRAP];

	for (int i = 0; i < t->n; i++)
		rows += ui_wrap(t->line[i], width, start, len, OV_WRAP);
	return rows;
}

/* Over the body, at most 100 columns wide, as tall as its text needs. */
static struct ui_rect overlay_rect(const struct ui *ui, struct ui_text *t)
{
	struct ui_rect r = ui->lay.body;
	int need;

	if (r.w > 100) {
		r.x += (r.w - 100) / 2;
		r.w = 100;
	} else if (r.w > 4) {
		r.x += 1;
		r.w -= 2;
	}
	need = overlay_rows(t, r.w - 4) + 2;
	if (need < 5)
		need = 5;
	if (need < r.h)
		r.h = need;
	return r;
}

void ui_overlay_scroll(struct ui *ui, int delta)
{
	struct ui_text *t = overlay_text(ui);
	struct ui_rect r;
	int max;

	if (!t)
		return;
	r = overlay_rect(ui, t);
	max = overlay_rows(t, r.w - 4) - (r.h - 2);
	t->scroll += delta;
	if (t->scroll > max)
		t->scroll = max;
	if (t->scroll < 0)
		t->scroll = 0;
	ui->dirty = true;
}

void ui_draw_overlay(struct ui *ui)
{
	struct ui_text *t = overlay_text(ui);
	struct ui_rect r;
	struct ui_row title, foot;
	int inner, width, row = 0, y, total;

	if (!t)
		return;
	r = overlay_rect(ui, t);
	inner = r.h - 2;
	width = r.w - 4;
	y = r.y + 1;
	if (r.h < 3 || r.w < 10)
		return;
	for (int i = 0; i < r.h; i++)
		ui_fill(ui, r.y + i, r.x, r.w, UI_NORMAL, " ");
	ui_box(ui, &r, UI_BOLD);
	ui_row_clear(&title);
	ui_row_add(&title, UI_TITLE, "%s", t->title);
	ui_box_title(ui, &r, &title);
	total = overlay_rows(t, width);
	if (t->scroll > total - inner)
		t->scroll = total - inner > 0 ? total - inner : 0;
	for (int i = 0; i < t->n && y < r.y + 1 + inner; i++) {
		int start[OV_WRAP], len[OV_WRAP], n = ui_wrap(t->line[i], width, start, len, OV_WRAP);

		for (int k = 0; k < n && y < r.y + 1 + inner; k++, row++) {
			char buf[1024];

			if (row < t->scroll)
				continue;
			snprintf(buf, sizeof(buf), "%.*s", len[k], t->line[i] + start[k]);
			ui_puts(ui, y++, r.x + 2, width, UI_NORMAL, buf);
		}
	}
	ui_row_clear(&foot);
	if (t->scroll > 0)
		ui_row_add(&foot, UI_DIM, "%s more above ", ui->g->up);
	if (total - t->scroll > inner)
		ui_row_add(&foot, UI_DIM, "%s more below (PgDn) ", ui->g->down);
	if (ui->overlay == UI_OVERLAY_PLAN && ui->ask == UI_ASK_MANUAL)
		ui_row_add(&foot, UI_BOLD, "type yes below when it is done %s Esc: not done", ui->g->sep);
	else if (ui->overlay == UI_OVERLAY_PLAN)
		ui_row_add(&foot, UI_BOLD, "type the target below to confirm %s Esc cancels", ui->g->sep);
	else
		ui_row_add(&foot, UI_BOLD, "Esc closes");
	{
		struct ui_rect b = r;

		b.y = r.y + r.h - 1;
		b.h = 1;
		ui_puts(ui, b.y, b.x + 1, 1, UI_NORMAL, " ");
		ui_puts(ui, b.y, b.x + 2 + ui_row_draw(ui, b.y, b.x + 2, b.w - 4, &foot), 1, UI_NORMAL, " ");
	}
}
