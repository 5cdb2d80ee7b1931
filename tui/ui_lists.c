/* The findings pane (by severity, each with the command that fixes it), the
 * triggers table of both factories, the footer of keys and the prompt row
 * (readline's line buffer, drawn here with the rest of the frame). */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include <readline/readline.h>

#include "tui/ui_int.h"

/* ---- findings -------------------------------------------------------- */

static void finding_rows(struct ui *ui, struct ui_rows *rows, int width, const struct finding *f)
{
	char text[sizeof(f->message) + 80];
	int start[8], len[8], n, kind = ui_sev_kind(f->severity);
	struct ui_row *r = NULL;

	if (f->site[0])
		snprintf(text, sizeof(text), "[%s] %s", f->site, f->message);
	else
		snprintf(text, sizeof(text), "%s", f->message);
	n = ui_wrap(text, width - 2, start, len, 8);
	for (int i = 0; i < n; i++) {
		if (!(r = ui_rows_add(rows)))
			return;
		if (i == 0)
			ui_row_add(r, kind, "%s ", ui_sev_glyph(ui, f->severity));
		else
			ui_row_add(r, UI_NORMAL, "  ");
		ui_row_add(r, UI_NORMAL, "%.*s", len[i], text + start[i]);
	}
	if (!f->fix[0])
		return;
	if (r && ui_row_width(r) + 4 + ui_strwidth(ui->g->arrow) + ui_strwidth(f->fix) <= width) {
		ui_row_add(r, UI_DIM, "  %s ", ui->g->arrow);
		ui_row_add(r, UI_KEY, "%s", f->fix);
	} else if ((r = ui_rows_add(rows))) {
		ui_row_add(r, UI_DIM, "  %s fix: ", ui->g->arrow);
		ui_row_add(r, UI_KEY, "%s", f->fix);
	}
}

static void findings_build(struct ui *ui, struct ui_rows *rows, int width)
{
	const struct model_pair *p = ui_pair(ui);
	struct ui_row *r;

	ui_rows_reset(rows);
	if (!p) {
		if ((r = ui_rows_add(rows)))
			ui_row_add(r, UI_DIM, "waiting for the first poll%s", ui->g->ell);
		return;
	}
	if (p->nfindings == 0) {
		if ((r = ui_rows_add(rows)))
			ui_row_add(r, UI_OK, "%s no findings", ui->g->ok);
		return;
	}
	/* Most severe first, whatever order the rules came in. */
	for (int sev = SEV_CRITICAL; sev >= SEV_OK; sev--)
		for (int i = 0; i < p->nfindings; i++)
			if ((int)p->findings[i].severity == sev)
				finding_rows(ui, rows, width, &p->findings[i]);
}

int ui_findings_rows_needed(struct ui *ui, int width)
{
	findings_build(ui, &ui->rows, width);
	return ui->rows.n;
}

/* Rows into a box, with "… N more" when they do not all fit. */
static void draw_rows(struct ui *ui, const struct ui_rect *r, const struct ui_rows *rows, const char *what)
{
	int inner = r->h - 2;

	for (int i = 0; i < rows->n && i < inner; i++) {
		if (i == inner - 1 && rows->n > inner) {
			char more[64];

			snprintf(more, sizeof(more), "%s %d more %s", ui->g->ell, rows->n - i, what);
			ui_puts(ui, r->y + 1 + i, r->x + 2, r->w - 3, UI_DIM, more);
			break;
		}
		ui_row_draw(ui, r->y + 1 + i, r->x + 2, r->w - 3, &rows->r[i]);
	}
}

void ui_draw_findings(struct ui *ui)
{
	const struct ui_rect *r = &ui->lay.findings;
	const struct model_pair *p = ui_pair(ui);
	struct ui_row title;
	int crit = 0, warn = 0, info = 0;

	ui_box(ui, r, UI_DIM);
	ui_row_clear(&title);
	ui_row_add(&title, UI_TITLE, "findings");
	if (p) {
		for (int i = 0; i < p->nfindings; i++) {
			crit += p->findings[i].severity == SEV_CRITICAL;
			warn += p->findings[i].severity == SEV_WARNING;
			info += p->findings[i].severity == SEV_INFO;
		}
		if (crit)
			ui_row_add(&title, UI_CRIT, " %s%d", ui->g->crit, crit);
		if (warn)
			ui_row_add(&title, UI_WARN, " %s%d", ui->g->warn, warn);
		if (info)
			ui_row_add(&title, UI_NORMAL, " %s%d", ui->g->info, info);
	}
	if (ui->lay.triggers_hidden)
		ui_row_add(&title, UI_DIM, " (v: triggers)");
	ui_box_title(ui, r, &title);
	findings_build(ui, &ui->rows, r->w - 3);
	draw_rows(ui, r, &ui->rows, "rows");
}

/* ---- the triggers table ---------------------------------------------- */

#define TRIG_MAX (2 * MODEL_MAX_TRIGGERS)

static const struct model_trigger *find_trigger(const struct model_site *s, const char *name)
{
	for (int i = 0; i < s->triggers.n; i++)
		if (!strcmp(s->triggers.items[i].name, name))
			return &s->triggers.items[i];
	return NULL;
}

static void trigger_cell(struct ui *ui, struct ui_row *r, int col, const struct model_site *s,
			 const struct model_trigger *t, bool managed_elsewhere)
{
	bool started;

	if (s->triggers.d.read_at <= 0) {
		ui_row_at(r, col, UI_DIM, "?");
		return;
	}
	if (!t) {
		ui_row_at(r, col, managed_elsewhere ? UI_WARN : UI_DIM, "%s missing", ui->g->warn);
		return;
	}
	started = !strcmp(t->state, "Started");
	if (ui_datum_stale(ui, &s->triggers.d))
		ui_row_at(r, col, UI_STALE, "%s %s", ui->g->stale, t->state);
	else if (!t->managed || s->role == ROLE_UNKNOWN)
		ui_row_at(r, col, UI_DIM, "%s %s", started ? ui->g->on : ui->g->off, t->state);
	else if (started == (s->role == ROLE_PRIMARY))
		ui_row_at(r, col, UI_OK, "%s %s", started ? ui->g->on : ui->g->off, t->state);
	else
		ui_row_at(r, col, UI_CRIT, "%s %s", ui->g->crit, t->state);
}

static void triggers_build(struct ui *ui, struct ui_rows *rows, int width)
{
	const struct model_pair *p = ui_pair(ui);
	static const char *names[TRIG_MAX];
	int n = 0, nw = 7, c1, c2, c3;
	struct ui_row *r;

	ui_rows_reset(rows);
	if (!p) {
		if ((r = ui_rows_add(rows)))
			ui_row_add(r, UI_DIM, "waiting for the first poll%s", ui->g->ell);
		return;
	}
	for (int si = 0; si < 2; si++) {
		const struct model_site *s = &p->sites[si];

		for (int i = 0; i < s->triggers.n && n < TRIG_MAX; i++) {
			const char *name = s->triggers.items[i].name;
			int w = ui_strwidth(name);

			if (si == 1 && find_trigger(&p->sites[0], name))
				continue;
			names[n++] = name;
			if (w > nw)
				nw = w;
		}
	}
	if (nw > 28)
		nw = 28;
	if (nw > width / 3)
		nw = width / 3;
	{
		int cw = 13, w0 = ui_strwidth(p->sites[0].name) + 2, w1 = ui_strwidth(p->sites[1].name) + 2;

		cw = w0 > cw ? w0 : cw;
		cw = w1 > cw ? w1 : cw;
		c1 = nw + 2;
		c2 = c1 + cw;
		c3 = c2 + cw;
	}
	if ((r = ui_rows_add(rows))) {
		ui_row_at(r, 0, UI_DIM, "trigger");
		ui_row_at(r, c1, UI_DIM, "%s", p->sites[0].name);
		ui_row_at(r, c2, UI_DIM, "%s", p->sites[1].name);
		ui_row_at(r, c3, UI_DIM, "pipelines");
	}
	for (int i = 0; i < n; i++) {
		const struct model_trigger *t0 = find_trigger(&p->sites[0], names[i]);
		const struct model_trigger *t1 = find_trigger(&p->sites[1], names[i]);
		const struct model_trigger *t = t0 ? t0 : t1;
		char pipes[UI_SEG_TEXT] = "";

		if (!(r = ui_rows_add(rows)))
			return;
		ui_row_at(r, 0, t->managed ? UI_NORMAL : UI_DIM, "%s", names[i]);
		trigger_cell(ui, r, c1, &p->sites[0], t0, t1 && t1->managed);
		trigger_cell(ui, r, c2, &p->sites[1], t1, t0 && t0->managed);
		for (int k = 0; k < t->npipelines; k++) {
			size_t used = strlen(pipes);

			snprintf(pipes + used, sizeof(pipes) - used, "%s%s", k ? "," : "", t->pipelines[k]);
		}
		ui_row_at(r, c3, UI_DIM, "%s%s", pipes, t->runs_ssis ? " (SSIS)" : "");
	}
	if (n == 0 && (r = ui_rows_add(rows)))
		ui_row_add(r, UI_DIM, "no triggers");
	for (int si = 0; si < 2; si++) {
		char what[96];

		snprintf(what, sizeof(what), "%s triggers", p->sites[si].name);
		ui_datum_note(ui, rows, width, &p->sites[si].triggers.d, what);
		if (p->sites[si].triggers.truncated && (r = ui_rows_add(rows)))
			ui_row_add(r, UI_WARN, "%s %s: more than %d triggers, list cut", ui->g->warn,
				   p->sites[si].name, MODEL_MAX_TRIGGERS);
	}
}

int ui_triggers_rows_needed(struct ui *ui)
{
	triggers_build(ui, &ui->rows, 200);
	return ui->rows.n;
}

void ui_draw_triggers(struct ui *ui)
{
	const struct ui_rect *r = &ui->lay.triggers;
	struct ui_row title;

	if (r->h < 3)
		return;
	ui_box(ui, r, UI_DIM);
	ui_row_clear(&title);
	ui_row_add(&title, UI_TITLE, "triggers");
	if (ui->lay.triggers_hidden)
		ui_row_add(&title, UI_DIM, " (v: findings)");
	else
		ui_row_add(&title, UI_DIM, " (started only where primary)");
	ui_box_title(ui, r, &title);
	triggers_build(ui, &ui->rows, r->w - 3);
	draw_rows(ui, r, &ui->rows, "rows");
}

/* ---- the footer -------------------------------------------------------- */

void ui_draw_footer(struct ui *ui)
{
	const struct ui_rect *r = &ui->lay.footer;
	struct ui_keyhint hints[48];
	int n, x = 0;

	if (ui->hint[0]) {
		ui_puts(ui, r->y, r->x + 1, r->w - 1, UI_BOLD, ui->hint);
		return;
	}
	n = ui_keyhints(ui, hints, 48);
	for (int i = 0; i < n; i++) {
		int need = ui_strwidth(hints[i].key) + 1 + ui_strwidth(hints[i].what) + 2;

		if (x + need > r->w - 1) {
			ui_puts(ui, r->y, r->x + x, r->w - x, UI_DIM, ui->g->ell);
			break;
		}
		x += 1;
		x += ui_puts(ui, r->y, r->x + x, r->w - x, UI_KEY, hints[i].key);
		x += 1;
		x += ui_puts(ui, r->y, r->x + x, r->w - x, UI_NORMAL, hints[i].what);
		x += 1;
	}
}

/* ---- the prompt row ---------------------------------------------------------- */

static void strip_markers(char *dst, size_t len, const char *src)
{
	size_t k = 0;

	for (; *src && k + 1 < len; src++)
		if (*src != RL_PROMPT_START_IGNORE && *src != RL_PROMPT_END_IGNORE)
			dst[k++] = *src;
	dst[k] = '\0';
}

void ui_draw_prompt(struct ui *ui)
{
	const struct ui_rect *r = &ui->lay.prompt;
	char prompt[512], before[4096], all[4608];
	int pw, cursor, offset = 0, avail = r->w - 1, x;
	bool asking = ui->pending || ui->ask != UI_ASK_NONE;
	bool active = ui->focus == UI_FOCUS_PROMPT || asking;

	if (r->w < 2)
		return;
	if (ui->asking_quit) {
		char q[320];

		if (ui->last_ops > 0)
			snprintf(q, sizeof(q), "%d operation%s still running. Quit anyway? [y/N] ", ui->last_ops,
				 ui->last_ops == 1 ? " is" : "s are");
		else if (ui->drill)
			snprintf(q, sizeof(q), "Drill %s is not over (drill %s --resume takes it up again). Quit anyway? [y/N] ",
				 ui->drill->rb->name, ui->drill->rb->name);
		else
			snprintf(q, sizeof(q), "Quit anyway? [y/N] ");
		x = ui_puts(ui, r->y, r->x, avail, UI_WARN, q);
		move(r->y, r->x + x);
		curs_set(1);
		return;
	}
	strip_markers(prompt, sizeof(prompt), active && rl_display_prompt ? rl_display_prompt : UI_MAIN_PROMPT);
	if (!active) {
		x = ui_puts(ui, r->y, r->x, avail, UI_DIM, prompt);
		x += ui_puts(ui, r->y, r->x + x, avail - x, UI_DIM, rl_line_buffer ? rl_line_buffer : "");
		ui_puts(ui, r->y, r->x + x, avail - x, UI_DIM, "  (: or Enter to type a command)");
		curs_set(0);
		return;
	}
	snprintf(before, sizeof(before), "%.*s", rl_point, rl_line_buffer ? rl_line_buffer : "");
	pw = ui_strwidth(prompt);
	cursor = pw + ui_strwidth(before);
	if (cursor > avail - 1)
		offset = cursor - (avail - 1);
	if (offset == 0) {
		x = ui_puts(ui, r->y, r->x, avail, asking ? UI_WARN : UI_KEY, prompt);
		ui_puts(ui, r->y, r->x + x, avail - x, UI_NORMAL, rl_line_buffer ? rl_line_buffer : "");
	} else {
		/* Scrolled: drop whole characters from the left until the
		 * cursor fits after a one-column marker. */
		const char *p;
		int skipped = 0, need = cursor - (avail - 2);

		snprintf(all, sizeof(all), "%s%s", prompt, rl_line_buffer ? rl_line_buffer : "");
		p = all;
		while (*p && skipped < need) {
			char one[8];
			size_t k = 1;

			while (k < 6 && (p[k] & 0xc0) == 0x80)
				k++;
			memcpy(one, p, k);
			one[k] = '\0';
			skipped += ui_strwidth(one);
			p += k;
		}
		ui_puts(ui, r->y, r->x, 1, UI_DIM, ui->utf8 ? "\u2026" : "<");
		ui_puts(ui, r->y, r->x + 1, avail - 1, UI_NORMAL, p);
		offset = skipped - 1;
	}
	move(r->y, r->x + cursor - offset);
	curs_set(1);
}
