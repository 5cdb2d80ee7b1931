/* A drill on the screen: `drill RUNBOOK` (core/cmd_drill.c) makes a drill
 * the console's; from then on this file follows it without ever blocking.
 *
 *   - the view: shown when the drill starts, 'd' shows or hides it, Esc
 *     on the panes hides it; its keys are those of `drill next | run |
 *     pause | skip | abort`, run through the command table;
 *   - the drill's questions (drill_question: an action's plan to confirm by
 *     typing its target, a manual step to confirm done) take the prompt,
 *     as a command's confirmation does; the answer goes to drill_answer();
 *     Esc, ^C or an empty line decline (the step fails: n retries it, s
 *     skips it);
 *   - skip and abort ask for their reason at the prompt (abort then asks
 *     to type "abort");
 *   - when the drill is over, drill_async_finish() writes the reports on
 *     the drill's thread; then the verdict, the RTO and data-loss window
 *     against their targets and the report paths go to the log and an
 *     overlay, and the drill is released (the header says OPERATE again).
 *
 * At start-up, unfinished drills of the configured pairs are offered for
 * `drill RUNBOOK --resume` in the log. */
#include <config.h>

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "tui/ui_int.h"

void ui_drill_fmt(char *buf, size_t len, double secs)
{
	long t = secs < 0 ? 0 : secs > 1e8 ? 100000000L : (long)(secs + 0.5);

	if (t < 60)
		snprintf(buf, len, "%ld s", t);
	else if (t < 3600)
		snprintf(buf, len, t % 60 ? "%ld min %ld s" : "%ld min", t / 60, t % 60);
	else
		snprintf(buf, len, t % 3600 / 60 ? "%ld h %ld min" : "%ld h", t / 3600, t % 3600 / 60);
}

void ui_drill_flatten(char *out, size_t len, const char *text)
{
	snprintf(out, len, "%s", text);
	for (char *c = out; *c; c++)
		if (*c == '\n')
			*c = ' ';
}

bool ui_drill_visible(const struct ui *ui)
{
	return ui->drill && ui->drill_view;
}

/* ---- start-up: unfinished drills ------------------------------------------------ */

static void offer_resume(void *user, const char *path, const char *pair, const char *runbook, double started)
{
	struct ui *ui = user;
	const struct config_pair *cp = pair ? config_pair_by_name(ui->con->cfg, pair) : NULL;
	char when[32] = "?";
	time_t t = (time_t)started;
	struct tm tm;

	if (!cp || !runbook || !*runbook)
		return; /* a drill of a pair this configuration does not have */
	if (started > 0 && localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	ui_log_add(ui, UI_LOG_UI, SEV_WARNING, "an unfinished drill of runbook %s on pair %s (started %s) can go on: %s"
		   "drill %s --resume   (or start over: drill %s --discard)", runbook, pair, when,
		   cp == &ui->con->cfg->pairs[ui_pair_index(ui)] ? "" : "switch to its pair, then ", runbook, runbook);
	(void)path;
}

void ui_drill_startup(struct ui *ui)
{
	drill_unfinished(NULL, offer_resume, ui);
}

/* ---- questions at the prompt ------------------------------------------------------ */

static void ask_begin(struct ui *ui, enum ui_ask kind, const char *prompt)
{
	if (ui->ask == UI_ASK_NONE)
		ui->ask_focus = ui->focus;
	ui->ask = kind;
	snprintf(ui->ask_prompt, sizeof(ui->ask_prompt), "%s", prompt);
	ui->focus = UI_FOCUS_PROMPT;
	ui_prompt_clear(ui);
	ui->dirty = true;
}

static void ask_end(struct ui *ui)
{
	if (ui->ask == UI_ASK_CONFIRM || ui->ask == UI_ASK_MANUAL)
		ui_overlay_close(ui);
	ui->ask = UI_ASK_NONE;
	ui->focus = ui->ask_focus;
	ui_prompt_update(ui);
	ui->dirty = true;
}

/* The drill asks: its plan (or the manual step) over the body, its
 * question at the prompt. */
static void open_question(struct ui *ui, struct drill *d, const struct drill_question *q)
{
	char line[RB_TEXT_MAX + 64];

	ui_text_clear(&ui->plan);
	ui->ask_step = q->step;
	drill_lock(d);
	if (q->kind == DRILL_Q_CONFIRM) {
		for (int i = 0; i < q->nlines; i++)
			ui_text_add(&ui->plan, q->lines[i]);
		snprintf(ui->ask_target, sizeof(ui->ask_target), "%s", q->target);
		snprintf(line, sizeof(line), "drill step %d: %s", q->step + 1, q->plan_title);
	} else {
		const struct drill_step_run *st = &d->steps[q->step];

		ui_text_add(&ui->plan, st->title);
		if (st->explain[0]) {
			ui_drill_flatten(line, sizeof(line), st->explain);
			ui_text_add(&ui->plan, "");
			ui_text_add(&ui->plan, line);
		}
		ui_text_add(&ui->plan, "");
		ui_text_add(&ui->plan, "Type yes when it is done (a comment may follow: yes announced on #ops);");
		ui_text_add(&ui->plan, "anything else, Esc or an empty line: not done (the step fails; n asks again).");
		ui->ask_target[0] = '\0';
		snprintf(line, sizeof(line), "drill step %d: %s (manual)", q->step + 1, d->rb->steps[q->step].id);
	}
	drill_unlock(d);
	ui_plan_open(ui, line);
	ask_begin(ui, q->kind == DRILL_Q_CONFIRM ? UI_ASK_CONFIRM : UI_ASK_MANUAL,
		  q->kind == DRILL_Q_CONFIRM ? q->prompt : "Done? yes [comment]: ");
}

static void decline(struct ui *ui, const char *why)
{
	if (ui->drill && drill_answer(ui->drill, false, NULL) == 0)
		ui_log_add(ui, UI_LOG_UI, SEV_WARNING, "%s: step %d fails; n runs it again, s skips it", why,
			   ui->ask_step + 1);
}

/* Quote a reason as one word for the command line. */
static void reason_word(char *out, size_t len, const char *reason)
{
	size_t k = 0;

	if (len < 3)
		return;
	out[k++] = '"';
	for (; *reason && k + 2 < len; reason++)
		out[k++] = *reason == '"' ? '\'' : *reason;
	out[k++] = '"';
	out[k] = '\0';
}

void ui_drill_line(struct ui *ui, const char *line)
{
	enum ui_ask kind = ui->ask;
	char cmd[400], word[300];

	if (kind != UI_ASK_SKIP && kind != UI_ASK_ABORT && kind != UI_ASK_ABORT_CONFIRM && *line)
		ui_log_add(ui, UI_LOG_ECHO, SEV_INFO, "%s", line);
	ask_end(ui);
	if (!ui->drill)
		return;
	switch (kind) {
	case UI_ASK_CONFIRM:
		if (!*line) {
			decline(ui, "declined");
			break;
		}
		if (strcmp(line, ui->ask_target)) { /* as cmd_confirm() would: not confirmed */
			char why[400];

			snprintf(why, sizeof(why), "not confirmed (the target is %s)", ui->ask_target);
			decline(ui, why);
			break;
		}
		drill_answer(ui->drill, true, line);
		break;
	case UI_ASK_MANUAL:
		if (!strncmp(line, "yes", 3) && (line[3] == '\0' || line[3] == ' ')) {
			const char *comment = line + 3;

			while (*comment == ' ')
				comment++;
			drill_answer(ui->drill, true, comment);
		} else {
			decline(ui, "not done");
		}
		break;
	case UI_ASK_SKIP:
		if (!*line) {
			ui_log_add(ui, UI_LOG_UI, SEV_INFO, "not skipped: a skip needs a reason");
			break;
		}
		reason_word(word, sizeof(word), line);
		snprintf(cmd, sizeof(cmd), "drill skip %s", word);
		ui_run_line(ui, cmd);
		break;
	case UI_ASK_ABORT:
		if (!*line) {
			ui_log_add(ui, UI_LOG_UI, SEV_INFO, "not aborted: an abort needs a reason");
			break;
		}
		snprintf(ui->ask_reason, sizeof(ui->ask_reason), "%s", line);
		ask_begin(ui, UI_ASK_ABORT_CONFIRM, "Type abort to end the drill now (it fails), anything else goes on: ");
		break;
	case UI_ASK_ABORT_CONFIRM:
		if (strcmp(line, "abort")) {
			ui_log_add(ui, UI_LOG_UI, SEV_INFO, "not aborted: the drill goes on");
			break;
		}
		reason_word(word, sizeof(word), ui->ask_reason);
		snprintf(cmd, sizeof(cmd), "drill abort %s", word);
		ui_run_line(ui, cmd);
		break;
	case UI_ASK_NONE:
		break;
	}
}

void ui_drill_leave_ask(struct ui *ui)
{
	if (ui->ask != UI_ASK_NONE)
		ask_end(ui);
}

void ui_drill_cancel_ask(struct ui *ui)
{
	enum ui_ask kind = ui->ask;

	ask_end(ui);
	if (kind == UI_ASK_CONFIRM)
		decline(ui, "declined");
	else if (kind == UI_ASK_MANUAL)
		decline(ui, "not done");
	else if (kind == UI_ASK_SKIP)
		ui_log_add(ui, UI_LOG_UI, SEV_INFO, "not skipped");
	else if (kind != UI_ASK_NONE)
		ui_log_add(ui, UI_LOG_UI, SEV_INFO, "not aborted");
}

/* ---- keys ------------------------------------------------------------------------- */

bool ui_drill_key(struct ui *ui, int key)
{
	char prompt[RB_ID_MAX + 64];

	if (!ui->drill) {
		if (key != 'd')
			return false;
		ui_prompt_focus(ui, "drill "); /* Tab lists the runbooks */
		return true;
	}
	if (key == 'd' || (key == 27 && ui->drill_view)) {
		ui->drill_view = !ui->drill_view;
		ui->dirty = true;
		return true;
	}
	if (!ui->drill_view || key <= 0 || key > 127 || !strchr("nrPsa", key))
		return false;
	if (drill_status(ui->drill) == DRILL_FINISHED || drill_status(ui->drill) == DRILL_ABORTED) {
		snprintf(ui->hint, sizeof(ui->hint), "the drill is over; its report is being written");
		return true;
	}
	switch (key) {
	case 'n':
		ui_run_line(ui, "drill next");
		return true;
	case 'r':
		ui_run_line(ui, "drill run");
		return true;
	case 'P':
		ui_run_line(ui, "drill pause");
		return true;
	case 's':
		drill_lock(ui->drill);
		snprintf(prompt, sizeof(prompt), "Skip step %d %s; reason: ", ui->drill->current + 1,
			 ui->drill->current < ui->drill->rb->nsteps ? ui->drill->rb->steps[ui->drill->current].id : "");
		drill_unlock(ui->drill);
		ask_begin(ui, UI_ASK_SKIP, prompt);
		return true;
	case 'a':
		ask_begin(ui, UI_ASK_ABORT, "Abort the drill; reason: ");
		return true;
	default:
		return false;
	}
}

static int hint(struct ui_keyhint *out, int n, int max, const char *key, const char *what)
{
	if (n >= max)
		return n;
	snprintf(out[n].key, sizeof(out[n].key), "%s", key);
	snprintf(out[n].what, sizeof(out[n].what), "%s", what);
	out[n].from_table = false;
	return n + 1;
}

int ui_drill_hints(struct ui *ui, struct ui_keyhint *out, int n, int max)
{
	struct drill *d = ui->drill;
	enum drill_status st;
	bool busy;

	if (!d)
		return hint(out, n, max, "d", "drill");
	if (!ui->drill_view)
		return hint(out, n, max, "d", "drill view");
	st = drill_status(d);
	busy = drill_async_busy(d);
	if (st == DRILL_FINISHED || st == DRILL_ABORTED)
		return hint(out, n, max, "d/Esc", "hide");
	if (!busy) {
		n = hint(out, n, max, "n", st == DRILL_HALTED ? "retry" : "next");
		n = hint(out, n, max, "r", "run");
	} else {
		n = hint(out, n, max, "P", "pause");
	}
	n = hint(out, n, max, "s", "skip");
	n = hint(out, n, max, "a", "abort");
	return hint(out, n, max, "d/Esc", "hide");
}

/* ---- the end -------------------------------------------------------------------- */

static void result_line(struct ui *ui, enum severity sev, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void result_line(struct ui *ui, enum severity sev, const char *fmt, ...)
{
	char text[UI_LOG_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ui_log_add(ui, UI_LOG_UI, sev, "%s", text);
	ui_text_add(&ui->result, text);
}

/* The verdict, the measures and the reports: to the log and an overlay. */
static void show_result(struct ui *ui, struct drill *d)
{
	char rto[40], target[40], loss[40], rpo[40];
	double r;

	ui_text_clear(&ui->result);
	drill_lock(d);
	snprintf(ui->result.title, sizeof(ui->result.title), "drill %s: %s", d->rb->name,
		 !d->reported ? "no report" : d->passed ? "PASS" : "FAIL");
	if (!d->reported) {
		result_line(ui, SEV_CRITICAL, "drill %s on %s ended (%s) but its report could not be written: %s",
			    d->rb->name, d->pair_name, drill_status_name(d->status), d->finish_error);
		result_line(ui, SEV_WARNING, "its state stays in %s", d->state_path);
		drill_unlock(d);
		return;
	}
	result_line(ui, d->passed ? SEV_OK : SEV_CRITICAL, "drill %s on %s: %s%s%s%s", d->rb->name, d->pair_name,
		    d->passed ? "PASS" : "FAIL", d->status == DRILL_ABORTED ? " (aborted: " : "",
		    d->status == DRILL_ABORTED ? d->abort_reason : "", d->status == DRILL_ABORTED ? ")" : "");
	for (int i = 0; i < d->nreasons; i++)
		result_line(ui, SEV_WARNING, "  %s", d->reasons[i]);
	r = drill_rto(d);
	ui_drill_fmt(rto, sizeof(rto), r);
	ui_drill_fmt(target, sizeof(target), (double)d->rto_target);
	ui_drill_fmt(loss, sizeof(loss), d->data_loss);
	ui_drill_fmt(rpo, sizeof(rpo), (double)d->rpo_target);
	if (d->failover_step >= 0) {
		result_line(ui, r >= 0 && r <= (double)d->rto_target ? SEV_OK : SEV_WARNING, "RTO %s (target %s)",
			    r >= 0 ? rto : "not measured", target);
		result_line(ui, d->data_loss >= 0 && d->data_loss <= (double)d->rpo_target ? SEV_OK : SEV_WARNING,
			    "data-loss window %s (RPO target %s)%s%s", d->data_loss >= 0 ? loss : "unknown", rpo,
			    d->data_loss_basis[0] ? ": " : "", d->data_loss_basis);
	} else {
		result_line(ui, SEV_INFO, "no failover step: no RTO or data-loss window measured");
	}
	result_line(ui, SEV_INFO, "report: %s", d->report_md);
	result_line(ui, SEV_INFO, "report: %s", d->report_json);
	drill_unlock(d);
}

/* ---- every tick -------------------------------------------------------------------- */

/* Enough of the drill to notice a change worth a frame. */
static unsigned long signature(struct drill *d, bool busy)
{
	unsigned long h = 5381;

	drill_lock(d);
	h = h * 33 + (unsigned long)d->current;
	h = h * 33 + (unsigned long)d->status;
	for (int i = 0; i < d->rb->nsteps; i++)
		h = h * 33 + (unsigned long)d->steps[i].state;
	if (d->current < d->rb->nsteps) {
		h = h * 33 + (unsigned long)d->steps[d->current].nevidence;
		h = h * 33 + (unsigned long)(unsigned char)d->steps[d->current].result[0];
		for (int k = 0; k < d->steps[d->current].nevidence; k++)
			for (const char *c = d->steps[d->current].evidence[k]; *c; c++)
				h = h * 33 + (unsigned char)*c;
	}
	drill_unlock(d);
	return h * 2 + busy;
}

static void released(struct ui *ui)
{
	struct drill *d = console_drill_release(ui->con);

	if (ui->ask != UI_ASK_NONE)
		ask_end(ui);
	ui->drill = NULL;
	ui->drill_view = false;
	ui->drill_finishing = false;
	ui->focus = UI_FOCUS_PROMPT;
	drill_free(d);
	ui->dirty = true;
}

void ui_drill_tick(struct ui *ui)
{
	struct drill *d = console_drill(ui->con);
	enum drill_status st;
	unsigned long sig;
	bool busy, reported, failed;

	if (d != ui->drill) { /* a drill was started (or released elsewhere) */
		ui->drill = d;
		ui->drill_view = d != NULL;
		ui->drill_finishing = false;
		ui->drill_sig = 0;
		if (d && !ui->pending && ui->ask == UI_ASK_NONE && ui_prompt_empty())
			ui->focus = UI_FOCUS_PANES; /* the drill's keys */
		ui->dirty = true;
	}
	if (!d)
		return;
	busy = drill_async_busy(d);
	sig = signature(d, busy);
	if (sig != ui->drill_sig) {
		ui->drill_sig = sig;
		ui->dirty = true;
	}
	drill_lock(d);
	st = d->status;
	reported = d->reported;
	failed = d->finish_error[0] != '\0';
	drill_unlock(d);

	/* a question went away (the step was skipped, aborted or answered elsewhere) */
	if (ui->ask == UI_ASK_CONFIRM || ui->ask == UI_ASK_MANUAL) {
		drill_question(d, &ui->question);
		if (ui->question.kind == DRILL_Q_NONE || ui->question.step != ui->ask_step) {
			ui_log_add(ui, UI_LOG_UI, SEV_INFO, "the drill no longer asks about step %d", ui->ask_step + 1);
			ask_end(ui);
		}
	} else if (ui->ask == UI_ASK_NONE && !ui->pending && !ui->asking_quit) {
		drill_question(d, &ui->question);
		if (ui->question.kind != DRILL_Q_NONE) {
			if (ui->focus == UI_FOCUS_PROMPT && !ui_prompt_empty())
				snprintf(ui->hint, sizeof(ui->hint),
					 "the drill asks about step %d: run or clear (^C) the line to answer",
					 ui->question.step + 1);
			else
				open_question(ui, d, &ui->question);
		}
	}

	if ((st != DRILL_FINISHED && st != DRILL_ABORTED) || busy)
		return;
	if (!ui->drill_finishing) {
		if (drill_async_finish(d) == 0) {
			ui->drill_finishing = true;
			ui_log_add(ui, UI_LOG_UI, SEV_INFO, "drill %s %s: writing the report%s", d->rb->name,
				   st == DRILL_ABORTED ? "aborted" : "done", ui->g->ell);
		}
		return;
	}
	if (!reported && !failed)
		return;
	show_result(ui, d);
	released(ui);
	if (ui->overlay == UI_OVERLAY_NONE || ui->overlay == UI_OVERLAY_HELP) {
		ui->result.scroll = 0;
		ui->overlay = UI_OVERLAY_RESULT;
	}
}
