#include <config.h>

#include "sim/sim_scenario.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sim/sim_world.h"

#ifndef SSISDR_SRC_SCENARIODIR
#define SSISDR_SRC_SCENARIODIR "assets/scenarios"
#endif
#ifndef SSISDR_SCENARIODIR
#define SSISDR_SCENARIODIR "/usr/local/share/ssisdr/scenarios"
#endif

struct loader {
	struct sim_world *w;
	int site;        /* index of the [site] section being read, -1 outside */
	int nsites;
	char section[SIM_NAME_MAX + 8];
	char err[512];
};

static void copy(char *dst, const char *src, size_t len)
{
	snprintf(dst, len, "%s", src);
}

int sim_parse_duration(const char *text, double *seconds)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || v < 0)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		*seconds = v;
	else if (strcmp(end, "m") == 0)
		*seconds = v * 60;
	else if (strcmp(end, "h") == 0)
		*seconds = v * 3600;
	else
		return -1;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1"))
		*out = true;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

static int parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static int parse_ir_state(const char *v, sim_ir_state *out)
{
	if (!strcasecmp(v, "Started"))
		*out = SIM_IR_STARTED;
	else if (!strcasecmp(v, "Stopped"))
		*out = SIM_IR_STOPPED;
	else if (!strcasecmp(v, "Initial"))
		*out = SIM_IR_INITIAL;
	else
		return -1;
	return 0;
}

/* Split "a b c" into at most max words; returns the count. */
static int words(char *line, char **out, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " \t", &save); t && n < max; t = strtok_r(NULL, " \t", &save))
		out[n++] = t;
	return n;
}

static int site_line(struct loader *ld, struct sim_site *s, const char *key, const char *value)
{
	char buf[2048];
	char *wv[6];
	int n;

	copy(buf, value, sizeof(buf));
	if (!strcmp(key, "pipeline")) {
		struct sim_pipeline *p;

		n = words(buf, wv, 3);
		if (n < 2 || s->npipelines >= SIM_MAX_PIPELINES)
			return -1;
		p = &s->pipelines[s->npipelines++];
		copy(p->name, wv[0], sizeof(p->name));
		if (!strcmp(wv[1], "ssis")) {
			if (n != 3)
				return -1;
			p->ssis = true;
			copy(p->package_path, wv[2], sizeof(p->package_path));
		} else if (strcmp(wv[1], "copy") != 0) {
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "trigger")) {
		struct sim_trigger *t;

		n = words(buf, wv, 3);
		if (n != 3 || s->ntriggers >= SIM_MAX_TRIGGERS)
			return -1;
		t = &s->triggers[s->ntriggers++];
		copy(t->name, wv[0], sizeof(t->name));
		copy(t->pipeline, wv[1], sizeof(t->pipeline));
		if (!strcasecmp(wv[2], "Started"))
			t->started = true;
		else if (strcasecmp(wv[2], "Stopped") != 0)
			return -1;
		return 0;
	}
	if (!strcmp(key, "job")) {
		struct sim_job *j;
		bool enabled;

		n = words(buf, wv, 4);
		if (n != 4 || s->njobs >= SIM_MAX_JOBS || parse_bool(wv[2], &enabled))
			return -1;
		j = &s->jobs[s->njobs++];
		copy(j->name, wv[0], sizeof(j->name));
		copy(j->schedule, wv[1], sizeof(j->schedule));
		j->schedule_enabled = enabled;
		j->job_enabled = true;
		copy(j->package_path, wv[3], sizeof(j->package_path));
		return 0;
	}
	if (!strcmp(key, "execution")) {
		struct sim_execution *e;
		int status;

		n = words(buf, wv, 2);
		if (n != 2 || s->nexecutions >= SIM_MAX_EXECUTIONS)
			return -1;
		if (!strcmp(wv[1], "running"))
			status = 2;
		else if (!strcmp(wv[1], "pending"))
			status = 5;
		else if (!strcmp(wv[1], "succeeded"))
			status = 7;
		else if (!strcmp(wv[1], "failed"))
			status = 4;
		else
			return -1;
		e = &s->executions[s->nexecutions++];
		copy(e->package_path, wv[0], sizeof(e->package_path));
		e->status = status;
		return 0;
	}
	if (!strcmp(key, "role")) {
		if (!strcasecmp(value, "primary"))
			s->role = SIM_ROLE_PRIMARY;
		else if (!strcasecmp(value, "secondary"))
			s->role = SIM_ROLE_SECONDARY;
		else
			return -1;
		return 0;
	}
	if (!strcmp(key, "ir_state"))
		return parse_ir_state(value, &s->ir.state);
	if (!strcmp(key, "nodes"))
		return parse_int(value, 1, 10, &s->ir.nodes);
	if (!strcmp(key, "vnet"))
		return parse_bool(value, &s->ir.vnet);
	if (!strcmp(key, "ir_start"))
		return sim_parse_duration(value, &s->ir.start_seconds);
	if (!strcmp(key, "ir_stop"))
		return sim_parse_duration(value, &s->ir.stop_seconds);

	struct { const char *key; char *dst; size_t len; } text[] = {
		{ "location", s->location, sizeof(s->location) },
		{ "region", s->region, sizeof(s->region) },
		{ "resource_group", s->resource_group, sizeof(s->resource_group) },
		{ "factory", s->factory, sizeof(s->factory) },
		{ "integration_runtime", s->ir.name, sizeof(s->ir.name) },
		{ "server", s->server, sizeof(s->server) },
		{ "dns_zone", s->dns_zone, sizeof(s->dns_zone) },
		{ "pair_name", s->ir.pair_name, sizeof(s->ir.pair_name) },
		{ "schema_version", s->catalog_schema_version, sizeof(s->catalog_schema_version) },
	};
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		if (!strcmp(key, text[i].key)) {
			copy(text[i].dst, value, text[i].len);
			return 0;
		}
	}
	snprintf(ld->err, sizeof(ld->err), "unknown key %s in a [site] section", key);
	return -1;
}

static int scenario_line(struct loader *ld, const char *key, const char *value)
{
	struct sim_world *w = ld->w;
	struct sim_pair *p = &w->pairs[0];

	if (!strcmp(key, "kind")) {
		if (!strcmp(value, "sqldb"))
			w->kind = SIM_KIND_SQLDB;
		else if (!strcmp(value, "mi"))
			w->kind = SIM_KIND_MI;
		else
			return -1;
		return 0;
	}
	if (!strcmp(key, "lag_seconds"))
		return sim_parse_duration(value, &p->lag_seconds);
	if (!strcmp(key, "commit_interval"))
		return sim_parse_duration(value, &p->commit_interval);
	if (!strcmp(key, "failover_duration"))
		return sim_parse_duration(value, &p->failover_seconds);
	if (!strcmp(key, "token_lifetime"))
		return sim_parse_duration(value, &w->token_lifetime);
	if (!strcmp(key, "trigger_page_size"))
		return parse_int(value, 1, 1000, &w->trigger_page_size);
	if (!strcmp(key, "grace_minutes"))
		return parse_int(value, 0, 100000, &p->grace_minutes);
	if (!strcmp(key, "smk_replicated"))
		return parse_bool(value, &p->smk_replicated);
	if (!strcmp(key, "failover_policy")) {
		if (strcmp(value, "Manual") && strcmp(value, "Automatic"))
			return -1;
		copy(p->policy, value, sizeof(p->policy));
		return 0;
	}
	if (!strcmp(key, "replication_state")) {
		if (strcmp(value, "CATCH_UP") && strcmp(value, "SEEDING") && strcmp(value, "SUSPENDED") &&
		    strcmp(value, "PENDING"))
			return -1;
		copy(p->replication_state, value, sizeof(p->replication_state));
		return 0;
	}

	struct { const char *key; char *dst; size_t len; } text[] = {
		{ "description", NULL, 0 },
		{ "pair", p->name, sizeof(p->name) },
		{ "failover_group", p->fog, sizeof(p->fog) },
		{ "subscription", w->subscription, sizeof(w->subscription) },
		{ "tenant", w->tenant, sizeof(w->tenant) },
		{ "client_id", w->client_id, sizeof(w->client_id) },
		{ "client_secret", w->client_secret, sizeof(w->client_secret) },
	};
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		if (!strcmp(key, text[i].key)) {
			if (text[i].dst)
				copy(text[i].dst, value, text[i].len);
			return 0;
		}
	}
	snprintf(ld->err, sizeof(ld->err), "unknown key %s in [scenario]", key);
	return -1;
}

/* inih as Debian builds it calls the handler for name = value lines only,
 * without the line number; a new section shows as a change of name, and
 * ini_parse_file() returns the line where the handler said no. */
static int on_line(void *user, const char *section, const char *key, const char *value)
{
	struct loader *ld = user;
	int rc;

	if (ld->err[0]) /* inih reads on after an error; the first one stands */
		return 0;
	if (strcmp(section, ld->section)) {
		copy(ld->section, section, sizeof(ld->section));
		if (!strcmp(section, "scenario")) {
			ld->site = -1;
		} else if (!strncmp(section, "site ", 5) && section[5]) {
			if (ld->nsites >= 2) {
				snprintf(ld->err, sizeof(ld->err), "a scenario has exactly two [site] sections");
				return 0;
			}
			ld->site = ld->nsites++;
			copy(ld->w->pairs[0].sites[ld->site].name, section + 5,
			     sizeof(ld->w->pairs[0].sites[0].name));
		} else {
			snprintf(ld->err, sizeof(ld->err), "unknown section [%s]", section);
			return 0;
		}
	}
	if (!strcmp(section, "scenario"))
		rc = scenario_line(ld, key, value);
	else
		rc = site_line(ld, &ld->w->pairs[0].sites[ld->site], key, value);
	if (rc) {
		char why[512];

		copy(why, ld->err[0] ? ld->err : "bad value", sizeof(why));
		snprintf(ld->err, sizeof(ld->err), "[%s] %s = %s: %s", section, key, value, why);
		return 0;
	}
	return 1;
}

int sim_scenario_load(struct sim_world *w, const char *path, char *err, size_t errlen)
{
	struct loader ld = { .w = w, .site = -1 };
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_file(f, on_line, &ld);
	fclose(f);
	if (rc) {
		snprintf(err, errlen, "%s:%d: %s", path, rc, ld.err[0] ? ld.err : "not a valid INI line");
		return -1;
	}
	if (ld.nsites != 2) {
		snprintf(err, errlen, "%s: a scenario needs two [site NAME] sections, found %d", path,
			 ld.nsites);
		return -1;
	}
	return 0;
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

static bool try_dir(const char *dir, const char *name, char *path, size_t pathlen)
{
	snprintf(path, pathlen, "%s/%s.scn", dir, name);
	return readable(path);
}

int sim_scenario_find(const char *name, char *path, size_t pathlen, char *err, size_t errlen)
{
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	const char *env = getenv("SSISDR_SCENARIO_PATH");
	ssize_t n;

	if (strchr(name, '/') || (strlen(name) > 4 && !strcmp(name + strlen(name) - 4, ".scn"))) {
		if (!readable(name)) {
			snprintf(err, errlen, "scenario file %s: %s", name, strerror(errno));
			return -1;
		}
		snprintf(path, pathlen, "%s", name);
		return 0;
	}
	if (env && *env && try_dir(env, name, path, pathlen))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/../assets/scenarios", exe);
			if (try_dir(dir, name, path, pathlen))
				return 0;
		}
	}
	if (try_dir(SSISDR_SRC_SCENARIODIR, name, path, pathlen) ||
	    try_dir(SSISDR_SCENARIODIR, name, path, pathlen))
		return 0;
	snprintf(err, errlen,
		 "no scenario named %s (looked in $SSISDR_SCENARIO_PATH, next to the program, %s and %s); "
		 "give a file path or one of the names there",
		 name, SSISDR_SRC_SCENARIODIR, SSISDR_SCENARIODIR);
	return -1;
}
