/* The header, the two site panes and the failover group line.
 *
 * Every datum shown carries its freshness: a value whose last read failed
 * says so, and one past model_stale_after() is marked stale with
 * its age and the error ("⚠ stale 4m10s: ARM timeout"), so old data never
 * passes for fresh. */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/status.h"
#include "tui/ui_int.h"

static double stale_after(const struct ui *ui)
{
	return model_stale_after(ui_refresh_seconds(ui), ui->con->cfg->console.request_timeout);
}

/* Add the note rows (at most two, wrapped) for a datum that is not fresh
 * and fine; returns whether it added any. */
static bool note(struct ui *ui, struct ui_rows *rows, int width, int kind, const char *text)
{
	int start[2], len[2], n = ui_wrap(text, width > 4 ? width - 2 : 2, start, len, 2);

	for (int i = 0; i < n; i++) {
		struct ui_row *r = ui_rows_add(rows);

		if (!r)
			return true;
		ui_row_add(r, kind, "  %.*s", len[i], text + start[i]);
	}
	return true;
}

bool ui_datum_note(struct ui *ui, struct ui_rows *rows, int note_width, const struct datum *d,
		   const char *what)
{
	char text[MODEL_ERR_MAX + 160], age[32];
	double a;

	if (d->read_at <= 0) {
		if (d->tried_at > 0 && d->error[0]) {
			snprintf(text, sizeof(text), "%s no data (%s): %s", ui->g->stale, what, d->error);
			return note(ui, rows, note_width, UI_STALE, text);
		}
		snprintf(text, sizeof(text), "%s %s: not read yet", ui->g->ell, what);
		return note(ui, rows, note_width, UI_DIM, text);
	}
	a = datum_age(d, ui->now);
	ui_fmt_age(age, sizeof(age), a);
	if (a > stale_after(ui)) {
		if (d->error[0])
			snprintf(text, sizeof(text), "%s stale %s: %s", ui->g->stale, age, d->error);
		else
			snprintf(text, sizeof(text), "%s stale %s: %s not refreshed", ui->g->stale, age, what);
		return note(ui, rows, note_width, UI_STALE, text);
	}
	if (d->error[0]) {
		snprintf(text, sizeof(text), "%s %s refresh failed, showing data %s old: %s", ui->g->warn, what,
			 age, d->error);
		return note(ui, rows, note_width, UI_WARN, text);
	}
	return false;
}

bool ui_datum_stale(const struct ui *ui, const struct datum *d)
{
	return d->read_at > 0 && datum_age(d, ui->now) > stale_after(ui);
}

/* A row whose datum is stale starts with the stale symbol and is drawn in
 * the stale style from end to end, so even a cut row never looks fresh. */
void ui_row_stale(struct ui *ui, struct ui_row *r, const struct datum *d)
{
	if (!r || !ui_datum_stale(ui, d))
		return;
	if (r->nseg == UI_SEGS)
		r->nseg--;
	memmove(&r->seg[1], &r->seg[0], (size_t)r->nseg * sizeof(r->seg[0]));
	r->nseg++;
	r->seg[0].col = -1;
	snprintf(r->seg[0].text, sizeof(r->seg[0].text), "%s ", ui->g->stale);
	for (int i = 0; i < r->nseg; i++)
		r->seg[i].kind = UI_STALE;
}

/* ---- the header ------------------------------------------------------ */

/* How many of a site's datums are stale (model_stale_after). */
static int site_stale(const struct ui *ui, const struct model_site *s)
{
	const struct datum *ds[] = { &s->ir.d, &s->triggers.d, &s->pipelines.d, &s->fog.d, &s->link.d,
				     &s->catalog.d, s->mi ? &s->jobs.d : NULL };
	int n = 0;

	for (size_t k = 0; k < sizeof(ds) / sizeof(ds[0]); k++)
		if (ds[k] && ds[k]->read_at > 0 && datum_age(ds[k], ui->now) > stale_after(ui))
			n++;
	return n;
}

static int count_stale(const struct ui *ui, const struct model_pair *p)
{
	return site_stale(ui, &p->sites[0]) + site_stale(ui, &p->sites[1]);
}

void ui_draw_header(struct ui *ui)
{
	const struct ui_rect *r = &ui->lay.header;
	const struct model_pair *p = ui_pair(ui);
	const struct config_pair *cp = ui_config_pair(ui);
	struct ui_row left, right;
	char age[32];
	int crit = 0, warn = 0, ops, rw, lw;

	ui_fill(ui, r->y, r->x, r->w, UI_HEADER, " ");
	ui_row_clear(&left);
	ui_row_clear(&right);
	ui_row_add(&left, UI_HEADER, " ssisdr ");
	ui_row_add(&left, UI_HEADER, " pair %s", p ? p->name : cp ? cp->name : "?");
	if (ui->con->cfg->npairs > 1)
		ui_row_add(&left, UI_HEADER, " [%zu/%zu]", ui_pair_index(ui) + 1, ui->con->cfg->npairs);
	ui_row_add(&left, UI_HEADER, " %s ", ui->g->sep);
	if (ui->drill)
		ui_drill_badge(ui, &left);
	else
		ui_row_add(&left, UI_BADGE, " %s ", ui->con->read_only ? "READ-ONLY" : "OPERATE");
	ui_row_add(&left, UI_HEADER, " %s ", ui->g->sep);
	if (!ui->snap) {
		ui_row_add(&left, UI_HEADER, "waiting for the first poll%s", ui->g->ell);
	} else {
		double a = ui->now - ui->snap->finished_at;

		ui_fmt_age(age, sizeof(age), a);
		if (a > stale_after(ui))
			ui_row_add(&left, UI_STALE, " %s STALE: updated %s ago ", ui->g->stale, age);
		else
			ui_row_add(&left, UI_HEADER, "updated %s ago", age);
		if (p) {
			int ns = count_stale(ui, p);

			if (ns)
				ui_row_add(&left, UI_STALE, " %s %d stale ", ui->g->stale, ns);
		}
	}
	ui_row_add(&left, UI_HEADER, " %s refresh %lds ", ui->g->sep, ui_refresh_seconds(ui));

	if (p)
		for (int i = 0; i < p->nfindings; i++) {
			if (p->findings[i].severity == SEV_CRITICAL)
				crit++;
			else if (p->findings[i].severity == SEV_WARNING)
				warn++;
		}
	ops = ui->last_ops;
	if (ops > 0)
		ui_row_add(&right, UI_WARN, " %s %d op%s running ", ui->g->busy, ops, ops == 1 ? "" : "s");
	if (p && crit)
		ui_row_add(&right, UI_CRIT, " %s %d critical ", ui->g->crit, crit);
	if (p && warn)
		ui_row_add(&right, UI_WARN, " %s %d warning%s ", ui->g->warn, warn, warn == 1 ? "" : "s");
	if (p && !crit && !warn)
		ui_row_add(&right, UI_OK, " %s no warnings ", ui->g->ok);
	if (ui->snap && ui->snap->npairs > 1) {
		int oc = 0, ow = 0;

		for (size_t k = 0; k < ui->snap->npairs; k++)
			if (k != ui_pair_index(ui)) {
				oc += ui->snap->pairs[k].worst == SEV_CRITICAL;
				ow += ui->snap->pairs[k].worst == SEV_WARNING;
			}
		if (oc || ow)
			ui_row_add(&right, oc ? UI_CRIT : UI_WARN, " other pairs: %s%d%s ",
				   oc ? ui->g->crit : ui->g->warn, oc ? oc : ow, oc ? " critical" : " warning");
	}
	rw = ui_row_width(&right);
	if (rw > r->w / 2)
		rw = r->w / 2;
	lw = r->w - rw;
	ui_row_draw(ui, r->y, r->x, lw, &left);
	ui_row_draw(ui, r->y, r->x + lw, rw, &right);
}

/* ---- a site pane ----------------------------------------------------- */

static int ir_kind(const struct model_site *s)
{
	const char *st = s->ir.state;

	if (!strcmp(st, "Started"))
		return UI_OK;
	if (!strcmp(st, "Starting") || !strcmp(st, "Stopping"))
		return UI_WARN;
	if (!strcmp(st, "Stopped") || !strcmp(st, "Initial"))
		return s->role == ROLE_PRIMARY ? UI_CRIT : UI_NORMAL;
	return UI_WARN;
}

static int repl_kind(const char *state)
{
	if (!strcmp(state, "CATCH_UP"))
		return UI_OK;
	if (!strcmp(state, "SEEDING") || !state[0])
		return UI_WARN;
	return UI_CRIT;
}

static const char *role_word(enum model_role r)
{
	return r == ROLE_PRIMARY ? "PRIMARY" : r == ROLE_SECONDARY ? "SECONDARY" : "role unknown";
}

/* "3 started · 0 stopped" against what the site's role wants. */
static void state_counts(struct ui *ui, struct ui_row *r, const struct model_site *s, int on, int off,
			 int unmanaged, const char *on_word, const char *off_word)
{
	ui_row_add(r, UI_NORMAL, "%d %s %s %d %s", on, on_word, ui->g->sep, off, off_word);
	if (s->role == ROLE_UNKNOWN)
		ui_row_add(r, UI_WARN, "  ? role unknown");
	else if (s->role == ROLE_PRIMARY ? off == 0 : on == 0)
		ui_row_add(r, UI_OK, "  %s ok", ui->g->ok);
	else
		ui_row_add(r, UI_CRIT, "  %s want all %s", ui->g->crit, s->role == ROLE_PRIMARY ? on_word : off_word);
	if (unmanaged)
		ui_row_add(r, UI_DIM, "  +%d unmanaged", unmanaged);
}

static void site_build(struct ui *ui, int idx, struct ui_rows *rows, int width)
{
	const struct model_pair *p = ui_pair(ui);
	const struct config_pair *cp = ui_config_pair(ui);
	const struct model_site *s;
	const struct config_site *cs;
	struct ui_row *r;
	int on = 0, off = 0, unmanaged = 0;
	bool any_managed = false;

	ui_rows_reset(rows);
	if (!p) {
		if ((r = ui_rows_add(rows)))
			ui_row_add(r, UI_DIM, "waiting for the first poll%s", ui->g->ell);
		return;
	}
	s = &p->sites[idx];
	cs = cp ? config_site_by_name(cp, s->name) : NULL;

	/* IR */
	if (!(r = ui_rows_add(rows)))
		return;
	ui_row_add(r, UI_DIM, "IR ");
	ui_row_add(r, UI_BOLD, "%s", s->ir.name[0] ? s->ir.name : cs ? cs->integration_runtime : "?");
	if (s->ir.d.read_at > 0) {
		bool started = !strcmp(s->ir.state, "Started");

		ui_row_add(r, ir_kind(s), "  %s %s", started ? ui->g->on : ui->g->off,
			   s->ir.state[0] ? s->ir.state : "unknown");
		ui_row_add(r, UI_NORMAL, " %d/%d", s->ir.nodes_available, s->ir.nodes_requested);
		if (s->ir.vnet)
			ui_row_add(r, UI_DIM, " VNet");
		if (!s->ir.is_ssis)
			ui_row_add(r, UI_CRIT, " %s not Azure-SSIS", ui->g->crit);
	}
	if (cs)
		ui_row_add(r, UI_DIM, " %s %s", ui->g->sep, cs->factory.name);
	ui_row_stale(ui, r, &s->ir.d);
	if (s->ir.last_op_result[0] && strcmp(s->ir.last_op_result, "Succeeded") &&
	    (r = ui_rows_add(rows)))
		ui_row_add(r, UI_WARN, "  last %s: %s %s", s->ir.last_op_type, s->ir.last_op_result,
			   s->ir.last_op_error);
	ui_datum_note(ui, rows, width, &s->ir.d, "IR");

	/* SSISDB and the geo link */
	if (!(r = ui_rows_add(rows)))
		return;
	ui_row_add(r, UI_DIM, "SSISDB ");
	if (s->link.d.read_at > 0) {
		if (!s->link.present)
			ui_row_add(r, UI_CRIT, "%s no geo link", ui->g->crit);
		else if (s->link.role == s->role || s->role == ROLE_UNKNOWN)
			ui_row_add(r, UI_NORMAL, "role %s", role_word(s->link.role));
		else
			ui_row_add(r, UI_CRIT, "%s role %s", ui->g->crit, role_word(s->link.role));
		ui_row_add(r, UI_DIM, " %s ", ui->g->sep);
	}
	ui_row_add(r, UI_BOLD, "%s", cs ? cs->sql.name : "");
	ui_row_stale(ui, r, &s->link.d);
	if (!(r = ui_rows_add(rows)))
		return;
	ui_row_add(r, UI_DIM, "replication ");
	if (s->link.d.read_at > 0 && s->link.present) {
		ui_row_add(r, repl_kind(s->link.state_desc), "%s", s->link.state_desc[0] ? s->link.state_desc : "?");
		if (s->link.lag_known) {
			long rpo = cp ? cp->rpo_target : 0;

			ui_row_add(r, rpo > 0 && s->link.lag_seconds > rpo ? UI_WARN : UI_NORMAL, " %s lag %ds",
				   ui->g->sep, s->link.lag_seconds);
		} else if (s->link.last_commit[0]) {
			/* "2026-11-26 20:28:01.583": the time says enough. */
			const char *t = strchr(s->link.last_commit, ' ');

			ui_row_add(r, UI_DIM, " %s last commit %.8s", ui->g->sep, t ? t + 1 : s->link.last_commit);
		}
	} else if (s->link.d.read_at > 0) {
		ui_row_add(r, UI_CRIT, "none");
	}
	ui_row_stale(ui, r, &s->link.d);
	ui_datum_note(ui, rows, width, &s->link.d, "SSISDB");

	/* triggers */
	for (int i = 0; i < s->triggers.n; i++)
		any_managed |= s->triggers.items[i].managed;
	for (int i = 0; i < s->triggers.n; i++) {
		const struct model_trigger *t = &s->triggers.items[i];

		if (any_managed && !t->managed) {
			unmanaged++;
			continue;
		}
		if (!strcmp(t->state, "Started"))
			on++;
		else
			off++;
	}
	if (!(r = ui_rows_add(rows)))
		return;
	ui_row_add(r, UI_DIM, "triggers ");
	if (s->triggers.d.read_at > 0)
		state_counts(ui, r, s, on, off, unmanaged, "started", "stopped");
	ui_row_stale(ui, r, &s->triggers.d);
	ui_datum_note(ui, rows, width, &s->triggers.d, "triggers");
	ui_datum_note(ui, rows, width, &s->pipelines.d, "pipelines");

	/* SQL Agent schedules on a managed instance */
	if (s->mi) {
		on = off = 0;
		for (int i = 0; i < s->jobs.n; i++) {
			if (s->jobs.items[i].schedule_enabled && s->jobs.items[i].job_enabled)
				on++;
			else
				off++;
		}
		if (!(r = ui_rows_add(rows)))
			return;
		ui_row_add(r, UI_DIM, "schedules ");
		if (s->jobs.d.read_at > 0) {
			state_counts(ui, r, s, on, off, 0, "enabled", "disabled");
			if (s->jobs.switch_job_present)
				ui_row_add(r, UI_DIM, "  switch job %s", s->jobs.switch_job_enabled ? "on" : "off");
		}
		ui_row_stale(ui, r, &s->jobs.d);
		ui_datum_note(ui, rows, width, &s->jobs.d, "msdb");
	}

	/* the catalog */
	if (!(r = ui_rows_add(rows)))
		return;
	ui_row_add(r, UI_DIM, "packages ");
	if (s->catalog.d.read_at > 0) {
		ui_row_add(r, s->catalog.running ? UI_BOLD : UI_NORMAL, "%d running", s->catalog.running);
		ui_row_add(r, UI_NORMAL, " %s %d pending", ui->g->sep, s->catalog.pending);
		if (s->catalog.schema_version[0])
			ui_row_add(r, UI_DIM, " %s SSISDB %s", ui->g->sep, s->catalog.schema_version);
	}
	ui_row_stale(ui, r, &s->catalog.d);
	ui_datum_note(ui, rows, width, &s->catalog.d, "catalog");

	if (s->role_basis[0] && (r = ui_rows_add(rows)))
		ui_row_add(r, UI_DIM, "role: %s", s->role_basis);
}

int ui_site_rows_needed(struct ui *ui, int site, int width)
{
	site_build(ui, site, &ui->rows, width);
	return ui->rows.n;
}

void ui_draw_site(struct ui *ui, int idx)
{
	const struct ui_rect *r = &ui->lay.site[idx];
	const struct model_pair *p = ui_pair(ui);
	const struct config_pair *cp = ui_config_pair(ui);
	struct ui_row title;
	int inner = r->h - 2;

	ui_box(ui, r, UI_DIM);
	ui_row_clear(&title);
	if (p) {
		const struct model_site *s = &p->sites[idx], *o = &p->sites[!idx];

		ui_row_add(&title, UI_TITLE, "%s", s->name);
		if (s->region[0] && strcmp(s->region, s->name))
			ui_row_add(&title, UI_DIM, " (%s)", s->region);
		ui_row_add(&title, UI_DIM, " %s ", ui->g->hl);
		if (s->role == ROLE_PRIMARY && o->role == ROLE_PRIMARY)
			ui_row_add(&title, UI_CRIT, "%s PRIMARY (split brain)", ui->g->crit);
		else if (s->role == ROLE_PRIMARY)
			ui_row_add(&title, UI_OK, "PRIMARY");
		else if (s->role == ROLE_SECONDARY)
			ui_row_add(&title, UI_NORMAL, "secondary");
		else
			ui_row_add(&title, UI_WARN, "? role unknown");
		if (site_stale(ui, s))
			ui_row_add(&title, UI_STALE, " %s stale", ui->g->stale);
	} else if (cp && (size_t)idx < cp->nsites) {
		ui_row_add(&title, UI_TITLE, "%s", cp->sites[idx].name);
	}
	ui_box_title(ui, r, &title);

	site_build(ui, idx, &ui->rows, r->w - 3);
	for (int i = 0; i < ui->rows.n && i < inner; i++) {
		if (i == inner - 1 && ui->rows.n > inner) {
			ui_puts(ui, r->y + 1 + i, r->x + 2, r->w - 3, UI_DIM, ui->g->ell);
			break;
		}
		ui_row_draw(ui, r->y + 1 + i, r->x + 2, r->w - 3, &ui->rows.r[i]);
	}
}

/* ---- the failover group line ---------------------------------------- */

void ui_draw_fog(struct ui *ui)
{
	const struct ui_rect *r = &ui->lay.fog;
	const struct model_pair *p = ui_pair(ui);
	const struct config_pair *cp = ui_config_pair(ui);
	const struct model_fog *f = NULL;
	struct ui_row row;
	struct ui_rows notes = { 0 };
	int primaries = 0, pi = -1;
	double lag;

	ui_row_clear(&row);
	ui_row_add(&row, UI_DIM, " %s%s ", ui->g->hl, ui->g->hl);
	ui_row_add(&row, UI_DIM, "failover group ");
	if (!p) {
		ui_row_add(&row, UI_BOLD, "%s", cp && cp->nsites ? cp->sites[0].failover_group : "?");
		ui_row_draw(ui, r->y, r->x, r->w, &row);
		return;
	}
	for (int i = 0; i < 2; i++) {
		const struct model_fog *c = &p->sites[i].fog;

		if (c->d.read_at > 0 && (!f || c->d.read_at > f->d.read_at))
			f = c;
		if (p->sites[i].role == ROLE_PRIMARY) {
			primaries++;
			pi = i;
		}
	}
	if (!f)
		f = &p->sites[0].fog;
	ui_row_add(&row, UI_BOLD, "%s", f->name[0] ? f->name : cp && cp->nsites ? cp->sites[0].failover_group : "?");
	if (f->d.read_at > 0) {
		ui_row_add(&row, strcmp(f->policy, "Manual") ? UI_WARN : UI_NORMAL, " %s policy %s", ui->g->sep,
			   f->policy[0] ? f->policy : "?");
		if (!strcmp(f->policy, "Automatic") && f->grace_minutes > 0)
			ui_row_add(&row, UI_DIM, " (grace %d min)", f->grace_minutes);
		ui_row_add(&row, UI_NORMAL, " %s ", ui->g->sep);
		ui_row_add(&row, repl_kind(f->replication_state), "%s",
			   f->replication_state[0] ? f->replication_state : "?");
	}
	lag = status_lag_seconds(p);
	if (lag >= 0)
		ui_row_add(&row, cp && cp->rpo_target > 0 && lag > (double)cp->rpo_target ? UI_WARN : UI_NORMAL,
			   " %s lag %.0fs", ui->g->sep, lag);
	ui_row_add(&row, UI_NORMAL, " %s primary ", ui->g->sep);
	if (primaries == 1)
		ui_row_add(&row, UI_OK, "%s %s", ui->g->arrow, p->sites[pi].name);
	else if (primaries == 2)
		ui_row_add(&row, UI_CRIT, "%s BOTH (split brain)", ui->g->crit);
	else
		ui_row_add(&row, UI_CRIT, "%s none known", ui->g->crit);
	if (ui_datum_note(ui, &notes, 400, &f->d, "failover group") && notes.n)
		ui_row_add(&row, notes.r[0].seg[0].kind, " %s", notes.r[0].seg[0].text);
	ui_rows_free(&notes);
	ui_row_add(&row, UI_DIM, " ");
	if (ui_datum_stale(ui, &f->d))
		for (int i = 2; i < row.nseg; i++)
			row.seg[i].kind = UI_STALE;
	{
		int used = ui_row_draw(ui, r->y, r->x, r->w, &row);

		if (used < r->w)
			ui_fill(ui, r->y, r->x + used, r->w - used, UI_DIM, ui->g->hl);
	}
}
