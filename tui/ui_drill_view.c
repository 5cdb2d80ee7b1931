/* The drill view and the header's DRILL badge.
 *
 *   ┌ DRILL sqldb-failover · step 7/19 · RTO clock 12 s / 30 min ───────────┐
 *   │  5 ✔ passed  preflight-secondary-ir │ step 7/19 · action · running 12 s │
 *   │  6 ✔ passed  announce               │ Planned failover of the failover  │
 *   │› 7 ↻ running failover               │ group to westus                   │
 *   │  8 ○ pending wait-fog               │ ▲ waiting for you at the prompt:  │
 *   │  …                                  │ explanation, command, evidence    │
 *   └───────────────────────────────────────────────────────────────────────┘
 *
 * Every state has a symbol and a word, so NO_COLOR loses nothing; colour
 * means what it means elsewhere (green passed, red failed, yellow what
 * needs the operator). Drawn from the drill under drill_lock(); never
 * waits for it otherwise. */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tui/ui_int.h"

#define WRAP 24

static double now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *state_glyph(const struct ui *ui, enum drill_step_state s)
{
	switch (s) {
	case DRILL_STEP_RUNNING: return ui->g->busy;
	case DRILL_STEP_PASSED: return ui->g->ok;
	case DRILL_STEP_FAILED: return ui->g->crit;
	case DRILL_STEP_SKIPPED: return ui->g->skip;
	default: return ui->g->off;
	}
}

/* Passed green; failed red (yellow when optional); skipped by the
 * operator yellow (it fails the drill), not needed dim. */
static int state_kind(const struct drill *d, int i)
{
	const struct drill_step_run *st = &d->steps[i];

	switch (st->state) {
	case DRILL_STEP_RUNNING: return UI_BOLD;
	case DRILL_STEP_PASSED: return UI_OK;
	case DRILL_STEP_FAILED: return d->rb->steps[i].optional ? UI_WARN : UI_CRIT;
	case DRILL_STEP_SKIPPED: return st->operator_skip ? UI_WARN : UI_DIM;
	default: return UI_NORMAL;
	}
}

void ui_drill_badge(struct ui *ui, struct ui_row *row)
{
	struct drill *d = ui->drill;
	int cur, n;

	drill_lock(d);
	cur = d->current;
	n = d->rb->nsteps;
	drill_unlock(d);
	ui_row_add(row, UI_BADGE, " DRILL%s ", ui->con->read_only ? " READ-ONLY" : "");
	ui_row_add(row, UI_HEADER, " %s %d/%d", d->rb->name, cur < n ? cur + 1 : n, n);
}

/* The box's title: runbook, step, RTO so far. */
static void title_row(struct ui *ui, struct drill *d, double now, struct ui_row *t)
{
	char a[40], b[40];
	double rto;

	ui_row_add(t, UI_TITLE, "DRILL %s", d->rb->name);
	if (ui_pair_index(ui) != d->pair)
		ui_row_add(t, UI_WARN, " %s on pair %s (actions need: pair %s)", ui->g->sep, d->pair_name, d->pair_name);
	if (d->status == DRILL_FINISHED || d->status == DRILL_ABORTED)
		ui_row_add(t, d->status == DRILL_ABORTED ? UI_WARN : UI_NORMAL, " %s %s: writing the report%s", ui->g->sep,
			   d->status == DRILL_ABORTED ? "aborted" : "every step is through", ui->g->ell);
	else
		ui_row_add(t, d->status == DRILL_HALTED ? UI_CRIT : UI_NORMAL, " %s step %d/%d%s", ui->g->sep,
			   d->current + 1, d->rb->nsteps, d->status == DRILL_HALTED ? " failed: halted" : "");
	if (d->t0 <= 0)
		return;
	rto = drill_rto(d);
	ui_drill_fmt(a, sizeof(a), rto >= 0 ? rto : now - d->t0);
	ui_drill_fmt(b, sizeof(b), (double)d->rto_target);
	ui_row_add(t, rto > (double)d->rto_target || (rto < 0 && now - d->t0 > (double)d->rto_target) ? UI_WARN : UI_NORMAL,
		   " %s %s %s / %s", ui->g->sep, rto >= 0 ? "RTO" : "RTO clock", a, b);
}

static void list_draw(struct ui *ui, struct drill *d, int y, int x, int w, int h)
{
	int n = d->rb->nsteps, cur = d->current < n ? d->current : n - 1;
	int start = cur - h / 3, end;

	if (start > n - h)
		start = n - h;
	if (start < 0)
		start = 0;
	end = start + h < n ? start + h : n;
	for (int i = start, row = 0; i < end; i++, row++) {
		struct ui_row r;

		ui_row_clear(&r);
		if ((row == 0 && start > 0) || (row == h - 1 && end < n)) {
			ui_row_add(&r, UI_DIM, "   %s %d more", row == 0 ? ui->g->up : ui->g->down,
				   row == 0 ? start + 1 : n - end + 1);
		} else {
			ui_row_add(&r, UI_KEY, "%s", i == d->current ? ui->g->prompt_mark : " ");
			ui_row_add(&r, UI_DIM, "%2d ", i + 1);
			ui_row_add(&r, state_kind(d, i), "%s %-7s ", state_glyph(ui, d->steps[i].state),
				   drill_step_state_name(d->steps[i].state));
			ui_row_add(&r, i == d->current ? UI_BOLD : UI_NORMAL, "%s", d->rb->steps[i].id);
		}
		ui_row_draw(ui, y + row, x, w, &r);
	}
}

/* Wrapped text as rows of one kind; at most max rows (0: all). */
static int add_text(struct ui_rows *rows, int kind, const char *prefix, const char *text, int width, int max)
{
	int start[WRAP], len[WRAP], n = ui_wrap(text, width - (int)strlen(prefix), start, len, WRAP), added = 0;

	for (int i = 0; i < n && (!max || added < max); i++) {
		struct ui_row *r = ui_rows_add(rows);

		if (!r)
			break;
		ui_row_add(r, kind, "%s%.*s", i == 0 ? prefix : "", len[i], text + start[i]);
		if (i > 0 && prefix[0])
			r->seg[0].col = (int)strlen(prefix);
		added++;
	}
	return added;
}

/* The current step: what, how long, what it asks, its outcome, its
 * explanation, its command and what it read. */
static void detail_draw(struct ui *ui, struct drill *d, double now, int y, int x, int w, int h)
{
	struct ui_rows rows = { 0 };
	const struct rb_step *rs;
	const struct drill_step_run *st;
	struct ui_row *r;
	char el[40], left[40];
	double wl;
	int i = d->current, room, ev_rows, ev_from;

	if (i >= d->rb->nsteps) {
		ui_puts(ui, y, x, w, UI_OK, "every step is through");
		return;
	}
	rs = &d->rb->steps[i];
	st = &d->steps[i];
	if (!(r = ui_rows_add(&rows)))
		return;
	ui_row_add(r, UI_DIM, "step %d/%d %s %s %s ", i + 1, d->rb->nsteps, ui->g->sep, rb_step_kind_name(rs->kind),
		   ui->g->sep);
	ui_row_add(r, state_kind(d, i), "%s %s", state_glyph(ui, st->state), drill_step_state_name(st->state));
	if (st->started > 0) {
		ui_drill_fmt(el, sizeof(el), drill_step_elapsed(d, i, now));
		ui_row_add(r, UI_NORMAL, " %s", el);
	}
	wl = drill_wait_left(d, i, now);
	if (wl >= 0) {
		ui_drill_fmt(left, sizeof(left), wl);
		ui_row_add(r, UI_NORMAL, " %s %s left", ui->g->sep, left);
	} else if (rs->kind == RB_WAIT && st->state == DRILL_STEP_PENDING) {
		ui_drill_fmt(left, sizeof(left), (double)rs->timeout);
		ui_row_add(r, UI_DIM, " %s times out after %s", ui->g->sep, left);
	}
	if (rs->optional)
		ui_row_add(r, UI_DIM, " (optional)");
	if (st->attempts > 1)
		ui_row_add(r, UI_DIM, " attempt %d", st->attempts);
	add_text(&rows, UI_BOLD, "", st->title, w, 2);
	if ((ui->ask == UI_ASK_CONFIRM || ui->ask == UI_ASK_MANUAL) && ui->ask_step == i) {
		char what[300];

		if (ui->ask == UI_ASK_CONFIRM)
			snprintf(what, sizeof(what), "waiting for you at the prompt: type %s to confirm", ui->ask_target);
		else
			snprintf(what, sizeof(what), "waiting for you at the prompt: yes when it is done");
		add_text(&rows, UI_WARN, "", what, w, 2);
	} else if (st->state == DRILL_STEP_FAILED && d->status == DRILL_HALTED) {
		add_text(&rows, UI_CRIT, "failed: ", st->result, w, 3);
		add_text(&rows, UI_DIM, "", "n runs it again, s skips it, a aborts the drill", w, 1);
	} else if (st->result[0]) {
		add_text(&rows, state_kind(d, i), "", st->result, w, 2);
	}
	if (rs->kind == RB_ACTION && !st->nevidence && (r = ui_rows_add(&rows))) { /* then it is evidence */
		ui_row_add(r, UI_DIM, "command: ");
		ui_row_add(r, UI_KEY, "%s", st->command);
	}
	/* the explanation gets what the evidence leaves (at least two rows of it) */
	room = h - rows.n;
	ev_rows = st->nevidence + (st->dropped > 0);
	if (ev_rows > room / 2 && st->explain[0])
		ev_rows = room / 2 > 0 ? room / 2 : 0;
	if (st->explain[0] && room - ev_rows > 0) {
		int start[WRAP], len[WRAP], want, all;
		char text[RB_TEXT_MAX];

		ui_drill_flatten(text, sizeof(text), st->explain);
		want = add_text(&rows, UI_NORMAL, "", text, w, room - ev_rows);
		all = ui_wrap(text, w, start, len, WRAP);

		if (want < all && rows.n > 0) {
			r = &rows.r[rows.n - 1];
			ui_row_add(r, UI_DIM, "%s", ui->g->ell);
		}
	}
	room = h - rows.n;
	ev_from = st->nevidence > room ? st->nevidence - room + (room > 1) : 0;
	if (ev_from > 0 && room > 1 && (r = ui_rows_add(&rows)))
		ui_row_add(r, UI_DIM, "%s %d earlier evidence line%s (drill status)", ui->g->up, ev_from + st->dropped,
			   ev_from + st->dropped == 1 ? "" : "s");
	for (int k = ev_from; k < st->nevidence && rows.n < h; k++) {
		const char *e = st->evidence[k];

		if (!(r = ui_rows_add(&rows)))
			break;
		ui_row_add(r, !strncmp(e, "[FAIL]", 6) ? UI_WARN : !strncmp(e, "[ok]", 4) ? UI_OK : UI_DIM, "%s", e);
	}
	for (int k = 0; k < rows.n && k < h; k++)
		ui_row_draw(ui, y + k, x, w, &rows.r[k]);
	ui_rows_free(&rows);
}

void ui_draw_drill(struct ui *ui)
{
	const struct ui_rect *r = &ui->lay.drill;
	struct drill *d = ui->drill;
	struct ui_row title;
	double now = now_wall();
	int inner_h = r->h - 2, inner_w = r->w - 3, lw = 0, idw = 0;

	if (!d || r->h < 3 || r->w < 20)
		return;
	ui_box(ui, r, UI_BOLD);
	ui_row_clear(&title);
	drill_lock(d);
	title_row(ui, d, now, &title);
	for (int i = 0; i < d->rb->nsteps; i++)
		if ((int)strlen(d->rb->steps[i].id) > idw)
			idw = (int)strlen(d->rb->steps[i].id);
	lw = idw + 15;
	if (lw > inner_w * 45 / 100)
		lw = inner_w * 45 / 100;
	list_draw(ui, d, r->y + 1, r->x + 1, lw, inner_h);
	for (int k = 0; k < inner_h; k++)
		ui_puts(ui, r->y + 1 + k, r->x + 2 + lw, 1, UI_DIM, ui->g->vl);
	detail_draw(ui, d, now, r->y + 1, r->x + 4 + lw, inner_w - lw - 3, inner_h);
	drill_unlock(d);
	ui_box_title(ui, r, &title);
}
