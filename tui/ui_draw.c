/* Drawing primitives: glyphs (UTF-8 or ASCII), colour or monochrome
 * attributes, width-aware clipped text, boxes, rows of segments, wrapping.
 * Colour only ever adds to a word or a symbol: every kind also reads right
 * with no colour at all. */
#include <config.h>

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/ui_int.h"

static const struct ui_glyphs glyphs_utf8 = {
	.hl = "\u2500", .vl = "\u2502", .tl = "\u250c", .tr = "\u2510", .bl = "\u2514", .br = "\u2518",
	.on = "\u25cf", .off = "\u25cb", .warn = "\u25b2", .crit = "\u2716", .ok = "\u2714",
	.info = "\u2022", .stale = "\u26a0", .sep = "\u00b7", .up = "\u2191", .down = "\u2193",
	.ell = "\u2026", .arrow = "\u2192", .lock = "RO", .busy = "\u21bb", .prompt_mark = "\u203a",
	.skip = "\u21b7",
};

static const struct ui_glyphs glyphs_ascii = {
	.hl = "-", .vl = "|", .tl = "+", .tr = "+", .bl = "+", .br = "+",
	.on = "*", .off = "o", .warn = "!", .crit = "X", .ok = "+",
	.info = "i", .stale = "!", .sep = "-", .up = "^", .down = "v",
	.ell = "~", .arrow = "->", .lock = "RO", .busy = "@", .prompt_mark = ">",
	.skip = ">",
};

enum { PAIR_GREEN = 1, PAIR_YELLOW, PAIR_RED, PAIR_MAGENTA, PAIR_CYAN, PAIR_BADGE };

void ui_draw_init(struct ui *ui)
{
	ui->g = ui->utf8 ? &glyphs_utf8 : &glyphs_ascii;
	for (int i = 0; i < UI_KIND_MAX; i++)
		ui->attr[i] = A_NORMAL;
	ui->attr[UI_BOLD] = A_BOLD;
	ui->attr[UI_TITLE] = A_BOLD;
	ui->attr[UI_HEADER] = A_REVERSE;
	ui->attr[UI_BADGE] = A_REVERSE | A_BOLD;
	ui->attr[UI_DIM] = A_DIM;
	if (!ui->color) {
		/* Monochrome: the words and symbols carry the meaning; attributes
		 * only help the eye. No colour escape is ever emitted. */
		ui->attr[UI_OK] = A_NORMAL;
		ui->attr[UI_WARN] = A_BOLD;
		ui->attr[UI_CRIT] = A_BOLD | A_UNDERLINE;
		ui->attr[UI_STALE] = A_DIM | A_UNDERLINE;
		ui->attr[UI_KEY] = A_BOLD;
		return;
	}
	init_pair(PAIR_GREEN, COLOR_GREEN, ui->color_bg);
	init_pair(PAIR_YELLOW, COLOR_YELLOW, ui->color_bg);
	init_pair(PAIR_RED, COLOR_RED, ui->color_bg);
	init_pair(PAIR_MAGENTA, COLOR_MAGENTA, ui->color_bg);
	init_pair(PAIR_CYAN, COLOR_CYAN, ui->color_bg);
	init_pair(PAIR_BADGE, COLOR_WHITE, COLOR_BLUE);
	ui->attr[UI_OK] = COLOR_PAIR(PAIR_GREEN);
	ui->attr[UI_WARN] = COLOR_PAIR(PAIR_YELLOW) | A_BOLD;
	ui->attr[UI_CRIT] = COLOR_PAIR(PAIR_RED) | A_BOLD;
	ui->attr[UI_STALE] = COLOR_PAIR(PAIR_MAGENTA);
	ui->attr[UI_KEY] = COLOR_PAIR(PAIR_CYAN) | A_BOLD;
	ui->attr[UI_TITLE] = A_BOLD;
	ui->attr[UI_BADGE] = COLOR_PAIR(PAIR_BADGE) | A_BOLD;
}

/* One character of s: its byte length and display width (a control or
 * invalid byte counts as one column, drawn as a space or '?'). */
static size_t char_at(const char *s, int *width, bool *printable)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int w;

	if ((unsigned char)*s < 0x80) {
		*printable = (unsigned char)*s >= 0x20 && *s != 0x7f;
		*width = 1;
		return 1;
	}
	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*printable = false;
		*width = 1;
		return 1;
	}
	w = wcwidth(wc);
	if (w < 0) {
		*printable = false;
		*width = 1;
		return n;
	}
	*printable = true;
	*width = w;
	return n;
}

int ui_strwidth(const char *s)
{
	int total = 0, w;
	bool p;

	while (*s) {
		s += char_at(s, &w, &p);
		total += w;
	}
	return total;
}

int ui_puts(struct ui *ui, int y, int x, int maxw, int kind, const char *s)
{
	int used = 0, w;
	bool printable;

	if (maxw <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + maxw > COLS)
		maxw = COLS - x;
	attrset(ui->attr[kind]);
	move(y, x);
	while (*s) {
		size_t n = char_at(s, &w, &printable);

		if (used + w > maxw)
			break;
		if (!printable)
			addch((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : '?');
		else if (w > 0)
			addnstr(s, (int)n);
		used += w;
		s += n;
	}
	attrset(A_NORMAL);
	return used;
}

void ui_fill(struct ui *ui, int y, int x, int w, int kind, const char *glyph)
{
	for (int i = 0; i < w; i++)
		ui_puts(ui, y, x + i, 1, kind, glyph);
}

void ui_box(struct ui *ui, const struct ui_rect *r, int kind)
{
	const struct ui_glyphs *g = ui->g;

	if (r->h < 2 || r->w < 2)
		return;
	ui_puts(ui, r->y, r->x, 1, kind, g->tl);
	ui_fill(ui, r->y, r->x + 1, r->w - 2, kind, g->hl);
	ui_puts(ui, r->y, r->x + r->w - 1, 1, kind, g->tr);
	for (int y = r->y + 1; y < r->y + r->h - 1; y++) {
		ui_puts(ui, y, r->x, 1, kind, g->vl);
		ui_puts(ui, y, r->x + r->w - 1, 1, kind, g->vl);
	}
	ui_puts(ui, r->y + r->h - 1, r->x, 1, kind, g->bl);
	ui_fill(ui, r->y + r->h - 1, r->x + 1, r->w - 2, kind, g->hl);
	ui_puts(ui, r->y + r->h - 1, r->x + r->w - 1, 1, kind, g->br);
}

void ui_box_title(struct ui *ui, const struct ui_rect *r, const struct ui_row *title)
{
	int w = r->w - 4;

	if (w <= 2)
		return;
	/* "┌ title ─": a space each side keeps it readable. */
	ui_puts(ui, r->y, r->x + 1, 1, UI_NORMAL, " ");
	int used = ui_row_draw(ui, r->y, r->x + 2, w - 1, title);
	ui_puts(ui, r->y, r->x + 2 + used, 1, UI_NORMAL, " ");
}

void ui_row_clear(struct ui_row *row)
{
	row->nseg = 0;
}

static void row_vadd(struct ui_row *row, int col, int kind, const char *fmt, va_list ap)
{
	struct ui_seg *s;

	if (row->nseg >= UI_SEGS)
		return;
	s = &row->seg[row->nseg++];
	s->kind = kind;
	s->col = col;
	vsnprintf(s->text, sizeof(s->text), fmt, ap);
}

void ui_row_add(struct ui_row *row, int kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	row_vadd(row, -1, kind, fmt, ap);
	va_end(ap);
}

void ui_row_at(struct ui_row *row, int col, int kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	row_vadd(row, col, kind, fmt, ap);
	va_end(ap);
}

int ui_row_width(const struct ui_row *row)
{
	int x = 0;

	for (int i = 0; i < row->nseg; i++) {
		if (row->seg[i].col >= 0 && row->seg[i].col > x)
			x = row->seg[i].col;
		x += ui_strwidth(row->seg[i].text);
	}
	return x;
}

/* Draws the segments; when they do not fit, the last visible column gets an
 * ellipsis so a cut is never mistaken for the whole text. */
int ui_row_draw(struct ui *ui, int y, int x, int w, const struct ui_row *row)
{
	int cx = 0;
	bool cut = false;

	for (int i = 0; i < row->nseg; i++) {
		const struct ui_seg *s = &row->seg[i];
		int need, used;

		if (s->col >= 0 && s->col > cx)
			cx = s->col;
		need = ui_strwidth(s->text);
		if (need == 0)
			continue;
		if (cx >= w) {
			cut = true;
			break;
		}
		used = ui_puts(ui, y, x + cx, w - cx, s->kind, s->text);
		cx += used;
		if (used < need) {
			cut = true;
			break;
		}
	}
	if (cut && w > 1) {
		ui_puts(ui, y, x + w - 1, 1, UI_DIM, ui->g->ell);
		cx = w;
	}
	return cx;
}

struct ui_row *ui_rows_add(struct ui_rows *rows)
{
	if (rows->n == rows->cap) {
		int cap = rows->cap ? rows->cap * 2 : 32;
		struct ui_row *r = realloc(rows->r, (size_t)cap * sizeof(*r));

		if (!r)
			return NULL;
		rows->r = r;
		rows->cap = cap;
	}
	rows->r[rows->n].nseg = 0;
	return &rows->r[rows->n++];
}

void ui_rows_reset(struct ui_rows *rows)
{
	rows->n = 0;
}

void ui_rows_free(struct ui_rows *rows)
{
	free(rows->r);
	rows->r = NULL;
	rows->n = rows->cap = 0;
}

void ui_fmt_age(char *buf, size_t len, double secs)
{
	long s;

	if (secs > 1e12 || secs != secs) {
		snprintf(buf, len, "never");
		return;
	}
	if (secs < 0)
		secs = 0;
	s = (long)secs;
	if (s < 60)
		snprintf(buf, len, "%lds", s);
	else if (s < 3600)
		snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
	else
		snprintf(buf, len, "%ldd%02ldh", s / 86400, (s % 86400) / 3600);
}

int ui_sev_kind(enum severity sev)
{
	switch (sev) {
	case SEV_CRITICAL:
		return UI_CRIT;
	case SEV_WARNING:
		return UI_WARN;
	case SEV_INFO:
		return UI_NORMAL;
	case SEV_OK:
		break;
	}
	return UI_OK;
}

const char *ui_sev_glyph(const struct ui *ui, enum severity sev)
{
	switch (sev) {
	case SEV_CRITICAL:
		return ui->g->crit;
	case SEV_WARNING:
		return ui->g->warn;
	case SEV_INFO:
		return ui->g->info;
	case SEV_OK:
		break;
	}
	return ui->g->ok;
}

int ui_wrap(const char *s, int width, int *start, int *len, int max)
{
	int n = 0;
	size_t pos = 0, total = strlen(s);

	if (width < 1)
		width = 1;
	while (n < max) {
		size_t i = pos, last_space = 0;
		int cols = 0, w;
		bool p, have_space = false;

		if (pos >= total) {
			if (n == 0) {
				start[n] = 0;
				len[n++] = 0;
			}
			break;
		}
		while (s[i]) {
			size_t k = char_at(s + i, &w, &p);

			if (s[i] == '\n')
				break;
			if (cols + w > width)
				break;
			if (s[i] == ' ') {
				last_space = i;
				have_space = true;
			}
			cols += w;
			i += k;
		}
		if (s[i] && s[i] != '\n' && have_space && last_space > pos) {
			start[n] = (int)pos;
			len[n++] = (int)(last_space - pos);
			pos = last_space + 1;
		} else {
			if (i == pos && s[i] && s[i] != '\n')
				i += char_at(s + i, &w, &p); /* a character wider than the width */
			start[n] = (int)pos;
			len[n++] = (int)(i - pos);
			pos = s[i] == '\n' ? i + 1 : i;
		}
	}
	return n;
}

void ui_key_name(int key, char *buf, size_t len)
{
	if (key >= KEY_F(1) && key <= KEY_F(24))
		snprintf(buf, len, "F%d", key - KEY_F(0));
	else if (key == '\t')
		snprintf(buf, len, "Tab");
	else if (key == '\r' || key == '\n' || key == KEY_ENTER)
		snprintf(buf, len, "Enter");
	else if (key > 0 && key < 0x20)
		snprintf(buf, len, "^%c", key + '@');
	else if (key == KEY_PPAGE)
		snprintf(buf, len, "PgUp");
	else if (key == KEY_NPAGE)
		snprintf(buf, len, "PgDn");
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "%s", keyname(key) ? keyname(key) : "?");
}
