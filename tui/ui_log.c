/* The log pane: the console's events (each poll's result and duration,
 * every action's progress, every ARM/ODBC error) merged, in arrival order,
 * with the output of the commands typed here. Long lines wrap; PgUp/PgDn
 * scroll back, End follows again. While scrolled back the view stays put
 * as new lines arrive. */
#include <config.h>

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/ui_int.h"

#define EVBUF 64
#define TIME_COLS 9   /* "HH:MM:SS " */
#define GLYPH_COLS 2
#define WRAP_MAX 24

int ui_log_init(struct ui *ui)
{
	struct ui_log *l = &ui->log;

	pthread_mutex_init(&l->lock, NULL);
	l->ring = calloc(UI_LOG_KEEP, sizeof(*l->ring));
	l->evbuf = calloc(EVBUF, sizeof(*l->evbuf));
	l->width = 40;
	if (!l->ring || !l->evbuf) {
		free(l->ring);
		free(l->evbuf);
		l->ring = NULL;
		l->evbuf = NULL;
		return -1;
	}
	return 0;
}

void ui_log_free(struct ui *ui)
{
	struct ui_log *l = &ui->log;

	free(l->ring);
	free(l->evbuf);
	l->ring = NULL;
	l->evbuf = NULL;
	pthread_mutex_destroy(&l->lock);
}

static int text_cols(int width)
{
	int w = width - TIME_COLS - GLYPH_COLS;

	return w < 8 ? 8 : w;
}

static int rows_of(const struct ui_log_line *e, int width)
{
	int start[WRAP_MAX], len[WRAP_MAX];

	return ui_wrap(e->text, text_cols(width), start, len, WRAP_MAX);
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line (the caller holds the lock). Newlines split it; control
 * characters become spaces so nothing reaches the terminal raw. */
static void append_locked(struct ui *ui, enum ui_log_from from, enum severity sev, double at, const char *text)
{
	struct ui_log *l = &ui->log;
	const char *p = text;

	do {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct ui_log_line *e = &l->ring[l->total % UI_LOG_KEEP];

		if (n >= sizeof(e->text))
			n = sizeof(e->text) - 1;
		memcpy(e->text, p, n);
		e->text[n] = '\0';
		for (char *c = e->text; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = ' ';
		e->at = at;
		e->sev = sev;
		e->from = from;
		l->total++;
		l->changed++;
		if (l->scroll > 0)
			l->scroll += rows_of(e, l->width);
		if (l->capture && from != UI_LOG_EVENT) {
			ui_text_add(l->capture, e->text);
			l->captured++;
		}
		p = nl ? nl + 1 : NULL;
	} while (p && *p);
}

void ui_log_add(struct ui *ui, enum ui_log_from from, enum severity sev, const char *fmt, ...)
{
	char text[UI_LOG_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&ui->log.lock);
	append_locked(ui, from, sev, wall_now(), text);
	pthread_mutex_unlock(&ui->log.lock);
}

unsigned long ui_log_changed(struct ui *ui)
{
	unsigned long n;

	pthread_mutex_lock(&ui->log.lock);
	n = ui->log.changed;
	pthread_mutex_unlock(&ui->log.lock);
	return n;
}

void ui_cmd_out_line(void *user, enum severity sev, const char *text)
{
	struct ui *ui = user;

	pthread_mutex_lock(&ui->log.lock);
	append_locked(ui, UI_LOG_CMD, sev, wall_now(), text ? text : "");
	pthread_mutex_unlock(&ui->log.lock);
}

bool ui_log_import(struct ui *ui)
{
	struct ui_log *l = &ui->log;
	bool any = false;
	size_t n;

	if (!ui->con->events)
		return false;
	while ((n = events_since(ui->con->events, l->events_seq, l->evbuf, EVBUF)) > 0) {
		pthread_mutex_lock(&l->lock);
		for (size_t i = 0; i < n; i++)
			append_locked(ui, UI_LOG_EVENT, l->evbuf[i].sev, l->evbuf[i].at, l->evbuf[i].text);
		pthread_mutex_unlock(&l->lock);
		l->events_seq = l->evbuf[n - 1].seq;
		any = true;
		if (n < EVBUF)
			break;
	}
	return any;
}

static int total_rows_locked(struct ui *ui)
{
	struct ui_log *l = &ui->log;
	unsigned long count = l->total < UI_LOG_KEEP ? l->total : UI_LOG_KEEP;
	int rows = 0;

	for (unsigned long k = l->total - count; k < l->total; k++)
		rows += rows_of(&l->ring[k % UI_LOG_KEEP], l->width);
	return rows;
}

static void clamp_locked(struct ui *ui)
{
	struct ui_log *l = &ui->log;
	int max;

	if (l->scroll <= 0) {
		l->scroll = 0;
		return;
	}
	max = total_rows_locked(ui) - l->height;
	if (max < 0)
		max = 0;
	if (l->scroll > max)
		l->scroll = max;
}

void ui_log_scroll(struct ui *ui, int rows)
{
	pthread_mutex_lock(&ui->log.lock);
	ui->log.scroll += rows;
	clamp_locked(ui);
	pthread_mutex_unlock(&ui->log.lock);
	ui->dirty = true;
}

void ui_log_follow(struct ui *ui)
{
	pthread_mutex_lock(&ui->log.lock);
	ui->log.scroll = 0;
	pthread_mutex_unlock(&ui->log.lock);
	ui->dirty = true;
}

void ui_log_top(struct ui *ui)
{
	ui_log_scroll(ui, 1 << 28);
}

static void line_prefix(struct ui *ui, const struct ui_log_line *e, int y, int x, int *text_kind)
{
	char ts[16];
	time_t t = (time_t)e->at;
	struct tm tm;
	const char *glyph = " ";
	int gk = UI_NORMAL;

	localtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	ui_puts(ui, y, x, TIME_COLS - 1, UI_DIM, ts);
	*text_kind = e->sev == SEV_CRITICAL ? UI_CRIT : e->sev == SEV_WARNING ? UI_WARN : UI_NORMAL;
	switch (e->from) {
	case UI_LOG_ECHO:
		glyph = ui->g->prompt_mark;
		gk = UI_KEY;
		*text_kind = UI_KEY;
		break;
	case UI_LOG_CMD:
		if (e->sev >= SEV_WARNING) {
			glyph = ui_sev_glyph(ui, e->sev);
			gk = ui_sev_kind(e->sev);
		}
		break;
	case UI_LOG_EVENT:
	case UI_LOG_UI:
		glyph = ui_sev_glyph(ui, e->sev);
		gk = ui_sev_kind(e->sev);
		break;
	}
	ui_puts(ui, y, x + TIME_COLS, 1, gk, glyph);
}

void ui_draw_log(struct ui *ui)
{
	const struct ui_rect *r = &ui->lay.events;
	struct ui_log *l = &ui->log;
	struct ui_row title;
	int inner_h = r->h - 2, inner_w = r->w - 3, y, skip, tw;
	unsigned long count;

	if (r->h < 3 || r->w < 12)
		return;
	ui_box(ui, r, UI_DIM);
	pthread_mutex_lock(&l->lock);
	if (l->width != inner_w || l->height != inner_h) {
		l->width = inner_w;
		l->height = inner_h;
		clamp_locked(ui);
	}
	tw = text_cols(inner_w);
	count = l->total < UI_LOG_KEEP ? l->total : UI_LOG_KEEP;
	y = r->y + r->h - 2;
	skip = l->scroll;
	for (unsigned long k = l->total; k > l->total - count && y > r->y; k--) {
		const struct ui_log_line *e = &l->ring[(k - 1) % UI_LOG_KEEP];
		int start[WRAP_MAX], len[WRAP_MAX], n = ui_wrap(e->text, tw, start, len, WRAP_MAX);

		for (int piece = n - 1; piece >= 0 && y > r->y; piece--) {
			char buf[UI_LOG_TEXT];
			int kind = UI_NORMAL;

			if (skip > 0) {
				skip--;
				continue;
			}
			if (piece == 0)
				line_prefix(ui, e, y, r->x + 2, &kind);
			else
				kind = e->sev == SEV_CRITICAL ? UI_CRIT : e->sev == SEV_WARNING ? UI_WARN
					: e->from == UI_LOG_ECHO ? UI_KEY : UI_NORMAL;
			snprintf(buf, sizeof(buf), "%.*s", len[piece], e->text + start[piece]);
			ui_puts(ui, y, r->x + 2 + TIME_COLS + GLYPH_COLS, tw, kind, buf);
			y--;
		}
	}
	ui_row_clear(&title);
	ui_row_add(&title, UI_TITLE, "events");
	if (l->scroll > 0)
		ui_row_add(&title, UI_WARN, " %s %d rows back %s End follows", ui->g->up, l->scroll,
			   ui->g->sep);
	pthread_mutex_unlock(&l->lock);
	ui_box_title(ui, r, &title);
}
