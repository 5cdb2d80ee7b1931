/* Where each pane goes for the terminal's size.
 *
 *   row 0            header
 *   rows 1..         the two site panes, side by side
 *   next row         the failover group line
 *   the rest         findings (+ triggers) | events   (below 180 columns)
 *                    findings | triggers | events     (180 columns and more)
 *   row LINES-2      footer: the keys valid now
 *   row LINES-1      the prompt
 *
 * At 80x24 the site panes get their content, the lower area about a dozen
 * rows; findings come first, and when the triggers table does not fit
 * under them in the left column, 'v' swaps which one shows.
 *
 * While the drill view shows, the site panes give up some rows and the
 * lower area is the drill's, with the events under it (below 160 columns;
 * at 80x24 two lines of them) or beside it (160 columns and more). */
#include <config.h>

#include "tui/ui_int.h"

static struct ui_rect rect(int y, int x, int h, int w)
{
	struct ui_rect r = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };

	return r;
}

void ui_layout_compute(struct ui *ui, struct ui_layout *lay, int lines, int cols)
{
	int body_h, site_need, site_h, lower_y, lower_h, half, find_need, trig_need;
	bool drill = ui_drill_visible(ui);

	*lay = (struct ui_layout){ 0 };
	lay->lines = lines;
	lay->cols = cols;
	lay->prompt = rect(lines - 1, 0, 1, cols);
	if (lines < UI_MIN_LINES || cols < UI_MIN_COLS) {
		lay->too_small = true;
		return;
	}
	lay->header = rect(0, 0, 1, cols);
	lay->footer = rect(lines - 2, 0, 1, cols);
	body_h = lines - 3;
	lay->body = rect(1, 0, body_h, cols);

	half = cols / 2;
	site_need = ui_site_rows_needed(ui, 0, half - 3);
	if (ui_site_rows_needed(ui, 1, cols - half - 3) > site_need)
		site_need = ui_site_rows_needed(ui, 1, cols - half - 3);
	site_h = site_need + 2;
	/* The site panes may take up to 45% of the body; the lower panes
	 * keep at least 5 rows. */
	if (site_h > body_h * (drill ? 38 : 45) / 100)
		site_h = body_h * (drill ? 38 : 45) / 100;
	if (site_h > body_h - 6)
		site_h = body_h - 6;
	if (site_h < 4)
		site_h = 4;
	lay->site[0] = rect(1, 0, site_h, half);
	lay->site[1] = rect(1, half, site_h, cols - half);
	lay->fog = rect(1 + site_h, 0, 1, cols);
	lower_y = 2 + site_h;
	lower_h = lines - 2 - lower_y;

	if (drill) {
		if (cols >= 160) {
			int dw = cols * 60 / 100;

			lay->drill = rect(lower_y, 0, lower_h, dw);
			lay->events = rect(lower_y, dw, lower_h, cols - dw);
		} else {
			int eh = lower_h >= 18 ? lower_h / 3 : lower_h >= 10 ? 4 : 0;

			lay->drill = rect(lower_y, 0, lower_h - eh, cols);
			lay->events = rect(lower_y + lower_h - eh, 0, eh, cols);
		}
		lay->show_drill = true;
		return;
	}

	if (cols >= 180) {
		int fw = cols * 32 / 100, tw = cols * 30 / 100;

		lay->findings = rect(lower_y, 0, lower_h, fw);
		lay->triggers = rect(lower_y, fw, lower_h, tw);
		lay->events = rect(lower_y, fw + tw, lower_h, cols - fw - tw);
		lay->show_findings = lay->show_triggers = true;
		return;
	}
	{
		int lw = cols >= 120 ? cols * 55 / 100 : cols / 2;

		lay->events = rect(lower_y, lw, lower_h, cols - lw);
		find_need = ui_findings_rows_needed(ui, lw - 3) + 2;
		trig_need = ui_triggers_rows_needed(ui) + 2;
		if (find_need < 3)
			find_need = 3;
		if (find_need + trig_need <= lower_h) {
			lay->findings = rect(lower_y, 0, find_need, lw);
			lay->triggers = rect(lower_y + find_need, 0, lower_h - find_need, lw);
			lay->show_findings = lay->show_triggers = true;
		} else if (lower_h - find_need >= 5) {
			/* Findings first; the table gets the rest ("… N more"). */
			lay->findings = rect(lower_y, 0, find_need, lw);
			lay->triggers = rect(lower_y + find_need, 0, lower_h - find_need, lw);
			lay->show_findings = lay->show_triggers = true;
		} else if (ui->view_triggers) {
			lay->triggers = rect(lower_y, 0, lower_h, lw);
			lay->show_triggers = true;
			lay->triggers_hidden = true;
		} else {
			lay->findings = rect(lower_y, 0, lower_h, lw);
			lay->show_findings = true;
			lay->triggers_hidden = true;
		}
	}
}
