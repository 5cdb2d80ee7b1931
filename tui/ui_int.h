/* Internals of the screen, shared by the tui/ui_*.c files. Only the UI
 * thread touches struct ui, except the log, whose appends may come from any
 * thread (a command's output sink) and are serialised by log.lock. */
#ifndef TUI_UI_INT_H
#define TUI_UI_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/cmd.h"
#include "core/console.h"
#include "core/drill.h"
#include "core/events.h"
#include "core/model.h"
#include "core/snapshot.h"
#include "tui/ui.h"

/* Below this the screen shows "terminal too small". */
#define UI_MIN_COLS 64
#define UI_MIN_LINES 18
/* The prompt's input timeout: the longest the loop sleeps without looking
 * at new snapshots and events. Keys wake it at once. */
#define UI_TICK_MS 100
#define UI_MAIN_PROMPT "ssisdr> "

/* What a piece of text means; mapped to colour and/or attributes. */
enum ui_kind {
	UI_NORMAL = 0,
	UI_OK,       /* green */
	UI_WARN,     /* yellow */
	UI_CRIT,     /* red */
	UI_STALE,    /* magenta / dim */
	UI_DIM,
	UI_BOLD,
	UI_TITLE,    /* pane titles */
	UI_KEY,      /* key labels in the footer, commands */
	UI_HEADER,   /* the header line's ground */
	UI_BADGE,    /* the mode badge in the header */
	UI_KIND_MAX
};

struct ui_glyphs {
	const char *hl, *vl, *tl, *tr, *bl, *br;
	const char *on, *off, *warn, *crit, *ok, *info, *stale, *sep, *up, *down, *ell, *arrow,
		*lock, *busy, *prompt_mark, *skip;
};

struct ui_rect {
	int y, x, h, w;
};

struct ui_layout {
	bool too_small;
	int lines, cols;
	struct ui_rect header, site[2], fog, findings, triggers, events, footer, prompt, body, drill;
	bool show_findings, show_triggers, show_drill;
	bool triggers_hidden;   /* did not fit: 'v' swaps findings and triggers */
};

/* A row of text segments; col >= 0 places a segment at a column of the
 * area (tables), col < 0 continues after the previous one. */
#define UI_SEGS 12
#define UI_SEG_TEXT 240
struct ui_seg {
	int kind;
	int col;
	char text[UI_SEG_TEXT];
};
struct ui_row {
	int nseg;
	struct ui_seg seg[UI_SEGS];
};
struct ui_rows {
	struct ui_row *r;
	int n, cap;
};

/* Lines of text for an overlay (help, plan). */
struct ui_text {
	char **line;
	int n, cap;
	int scroll;
	char title[256];
};

enum ui_log_from { UI_LOG_EVENT = 0, UI_LOG_CMD, UI_LOG_ECHO, UI_LOG_UI };

#define UI_LOG_TEXT 640
#define UI_LOG_KEEP 2000
struct ui_log_line {
	double at;
	enum severity sev;
	enum ui_log_from from;
	char text[UI_LOG_TEXT];
};

struct ui_log {
	pthread_mutex_t lock;
	struct ui_log_line *ring;  /* UI_LOG_KEEP */
	unsigned long total;       /* lines ever appended */
	unsigned long changed;     /* bumped on every append */
	int scroll;                /* rows up from the newest; 0 follows */
	int width;                 /* the inner width it was last drawn at */
	int height;
	unsigned long events_seq;  /* last event imported */
	struct event *evbuf;       /* import buffer */
	struct ui_text *capture;   /* also copy lines here (UI thread only) */
	size_t captured;
};

enum ui_focus { UI_FOCUS_PROMPT = 0, UI_FOCUS_PANES };
enum ui_overlay { UI_OVERLAY_NONE = 0, UI_OVERLAY_HELP, UI_OVERLAY_PLAN, UI_OVERLAY_RESULT };

/* What the prompt asks for the drill (instead of a command line). */
enum ui_ask {
	UI_ASK_NONE = 0,
	UI_ASK_CONFIRM,       /* the drill's action: type its target (drill_answer) */
	UI_ASK_MANUAL,        /* the drill's manual step: yes [comment] (drill_answer) */
	UI_ASK_SKIP,          /* s: the reason for skipping the current step */
	UI_ASK_ABORT,         /* a: the reason for aborting the drill */
	UI_ASK_ABORT_CONFIRM, /* a: type abort */
};

struct ui {
	struct console *con;
	struct ui_options opt;
	bool color;
	short color_bg;             /* -1 (default) or COLOR_BLACK */
	bool utf8;
	const struct ui_glyphs *g;
	int attr[UI_KIND_MAX];

	struct snapshot *snap;      /* a reference, or NULL before the first poll */
	unsigned long snap_seq;
	unsigned long drawn_log;    /* log.changed at the last frame */
	double now;
	long last_second;           /* redraw once a second for the ages */
	int last_ops;

	enum ui_focus focus;
	enum ui_overlay overlay;
	struct ui_text help;
	struct ui_text plan;
	struct ui_log log;
	struct cmd_out out;         /* to the log (and the capture) */
	bool view_triggers;         /* 'v': triggers instead of findings when both do not fit */

	/* the console's drill (tui/ui_drill.c) */
	struct drill *drill;        /* as last seen by tick(); NULL: none */
	bool drill_view;            /* the drill view is shown ('d' and Esc toggle it) */
	bool drill_finishing;       /* drill_async_finish() was posted */
	unsigned long drill_sig;    /* what the view showed, to redraw on a change */
	enum ui_ask ask;
	int ask_step;
	enum ui_focus ask_focus;    /* the focus before the question */
	char ask_prompt[320];
	char ask_target[128];
	char ask_reason[256];       /* the abort's reason, until it is confirmed */
	struct drill_question question; /* scratch for drill_question() */
	struct ui_text result;      /* the drill's end, in an overlay */

	struct cmd_pending *pending; /* a plan waits for its confirmation */
	bool asking_quit;            /* "operations still running; quit anyway?" */
	bool quit;
	char hint[512];              /* a one-frame message over the footer (completions) */
	bool dirty;
	struct ui_layout lay;
	struct ui_rows rows;         /* scratch rows for the panes */
};

/* A footer key: the UI's own or the command table's (.key). */
struct ui_keyhint {
	char key[16];
	char what[48];
	bool from_table;
};

/* ui.c */
size_t ui_pair_index(const struct ui *ui);
const struct model_pair *ui_pair(const struct ui *ui);
const struct config_pair *ui_config_pair(const struct ui *ui);
long ui_refresh_seconds(const struct ui *ui);
void ui_request_quit(struct ui *ui);
void ui_switch_pair(struct ui *ui, int delta);
/* Run a command line as typed at the prompt (or by a key). */
void ui_run_line(struct ui *ui, const char *line);

/* ui_draw.c: text, boxes, glyphs, colour */
void ui_draw_init(struct ui *ui);
int ui_strwidth(const char *s);
/* Put s at (y, x), at most maxw columns, control characters shown as
 * spaces; returns the columns used. */
int ui_puts(struct ui *ui, int y, int x, int maxw, int kind, const char *s);
void ui_fill(struct ui *ui, int y, int x, int w, int kind, const char *glyph);
void ui_box(struct ui *ui, const struct ui_rect *r, int border_kind);
/* A title on the top border: segments of a row. */
void ui_box_title(struct ui *ui, const struct ui_rect *r, const struct ui_row *title);
void ui_row_clear(struct ui_row *row);
void ui_row_add(struct ui_row *row, int kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ui_row_at(struct ui_row *row, int col, int kind, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int ui_row_width(const struct ui_row *row);
int ui_row_draw(struct ui *ui, int y, int x, int w, const struct ui_row *row);
struct ui_row *ui_rows_add(struct ui_rows *rows);
void ui_rows_reset(struct ui_rows *rows);
void ui_rows_free(struct ui_rows *rows);
/* "4m10s"; "never" when secs is huge. */
void ui_fmt_age(char *buf, size_t len, double secs);
int ui_sev_kind(enum severity sev);
const char *ui_sev_glyph(const struct ui *ui, enum severity sev);
/* Wrap s to width columns: the byte offsets and lengths of up to max
 * pieces; returns the count. Breaks at spaces when it can. */
int ui_wrap(const char *s, int width, int *start, int *len, int max);
void ui_key_name(int key, char *buf, size_t len);

/* ui_layout.c */
void ui_layout_compute(struct ui *ui, struct ui_layout *lay, int lines, int cols);

/* ui_panes.c */
int ui_site_rows_needed(struct ui *ui, int site, int width);
int ui_findings_rows_needed(struct ui *ui, int width);
int ui_triggers_rows_needed(struct ui *ui);
void ui_draw_header(struct ui *ui);
void ui_draw_site(struct ui *ui, int site);
void ui_draw_fog(struct ui *ui);
void ui_draw_findings(struct ui *ui);
void ui_draw_triggers(struct ui *ui);
void ui_draw_footer(struct ui *ui);
bool ui_datum_stale(const struct ui *ui, const struct datum *d);
void ui_row_stale(struct ui *ui, struct ui_row *r, const struct datum *d);
/* The datum note of a pane row: stale, failed, never read. */
bool ui_datum_note(struct ui *ui, struct ui_rows *rows, int width, const struct datum *d, const char *what);

/* ui_log.c */
int ui_log_init(struct ui *ui);
void ui_log_free(struct ui *ui);
void ui_log_add(struct ui *ui, enum ui_log_from from, enum severity sev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Import new events from the console's event log; true if any. */
bool ui_log_import(struct ui *ui);
void ui_log_scroll(struct ui *ui, int rows); /* > 0: back in time */
void ui_log_follow(struct ui *ui);
void ui_log_top(struct ui *ui);
void ui_draw_log(struct ui *ui);
/* Bumped by every line appended (from any thread). */
unsigned long ui_log_changed(struct ui *ui);
/* The command output sink (thread-safe). */
void ui_cmd_out_line(void *user, enum severity sev, const char *text);

/* ui_prompt.c */
int ui_prompt_init(struct ui *ui);
void ui_prompt_free(struct ui *ui);
/* A key while the prompt has the focus. */
void ui_prompt_key(struct ui *ui, int key);
void ui_prompt_focus(struct ui *ui, const char *prefill);
void ui_prompt_ctrl_c(struct ui *ui);
void ui_prompt_escape(struct ui *ui);
void ui_prompt_update(struct ui *ui); /* the prompt text follows the state */
bool ui_prompt_empty(void);
void ui_draw_prompt(struct ui *ui);
void ui_prompt_set_pending(struct ui *ui, struct cmd_pending *p);
void ui_prompt_clear(struct ui *ui); /* an empty line under the prompt the state wants */
void ui_prompt_cancel_pending(struct ui *ui, const char *why);
void ui_history_path(char *out, size_t len);

/* ui_drill.c: the drill's life on the screen */
void ui_drill_startup(struct ui *ui);     /* unfinished drills: offer to resume */
void ui_drill_tick(struct ui *ui);        /* new drill, questions, the end; never blocks */
bool ui_drill_visible(const struct ui *ui);
bool ui_drill_key(struct ui *ui, int key); /* a key on the panes; true if taken */
void ui_drill_line(struct ui *ui, const char *line); /* the answer to ui->ask */
void ui_drill_cancel_ask(struct ui *ui);  /* Esc, ^C, ^D on the question: decline */
void ui_drill_leave_ask(struct ui *ui);   /* put the question away unanswered */
int ui_drill_hints(struct ui *ui, struct ui_keyhint *out, int n, int max);
void ui_drill_fmt(char *buf, size_t len, double secs); /* "4 min 10 s" */
void ui_drill_flatten(char *out, size_t len, const char *text); /* a runbook's lines as one paragraph */

/* ui_drill_view.c: the drill view and the header's badge */
void ui_draw_drill(struct ui *ui);
void ui_drill_badge(struct ui *ui, struct ui_row *row);

/* ui_help.c */
void ui_text_clear(struct ui_text *t);
void ui_text_free(struct ui_text *t);
void ui_text_add(struct ui_text *t, const char *line);
void ui_help_open(struct ui *ui, const char *command);
void ui_plan_open(struct ui *ui, const char *title);
void ui_overlay_close(struct ui *ui);
void ui_overlay_scroll(struct ui *ui, int rows);
void ui_draw_overlay(struct ui *ui);
/* Footer keys: those valid now. */
int ui_keyhints(struct ui *ui, struct ui_keyhint *out, int max);
const struct cmd_def *ui_table_key(struct ui *ui, int key);

#endif
