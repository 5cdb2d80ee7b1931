/* Write DIR/ssisdr.conf: a console configuration for the running scenario,
 * so `ssisdr --config DIR/ssisdr.conf` works with no editing. The client
 * secret goes to its own 0600 file, referenced as file:PATH. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim_json.h"
#include "sim/sim_world.h"

static FILE *create_private(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0 || fchmod(fd, 0600) || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return f;
}

static void write_site(FILE *f, struct sim_world *w, int p, int s)
{
	struct sim_site *x = &w->pairs[p].sites[s];
	char id[SIM_ID_MAX];
	bool mi = w->kind == SIM_KIND_MI;

	fprintf(f, "\n[site %s/%s]\n", w->pairs[p].name, x->name);
	fprintf(f, "kind = %s\n", mi ? "mi" : "sqldb");
	sim_id_factory(w, p, s, id, sizeof(id));
	fprintf(f, "factory = %s\n", id);
	fprintf(f, "integration_runtime = %s\n", x->ir.name);
	sim_id_server(w, p, s, id, sizeof(id));
	fprintf(f, "%s = %s\n", mi ? "managed_instance" : "sql_server", id);
	fprintf(f, "region = %s\n", x->region);
	fprintf(f, "failover_group = %s\n", w->pairs[p].fog);
	fprintf(f, "ssisdb_odbc = Driver=SQLite3;Database=%s;NoCreat=1;Timeout=2000\n", x->ssisdb_path);
	if (mi)
		fprintf(f, "msdb_odbc = Driver=SQLite3;Database=%s;NoCreat=1;Timeout=2000\n", x->msdb_path);
}

int sim_conf_write(struct sim_world *w, char *err, size_t errlen)
{
	char path[SIM_PATH_MAX + 32], secret_path[SIM_PATH_MAX + 32];
	FILE *f;

	snprintf(secret_path, sizeof(secret_path), "%s/client-secret", w->dir);
	f = create_private(secret_path, err, errlen);
	if (!f)
		return -1;
	fprintf(f, "%s\n", w->client_secret);
	if (fclose(f)) {
		snprintf(err, errlen, "%s: %s", secret_path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/ssisdr.conf", w->dir);
	f = create_private(path, err, errlen);
	if (!f)
		return -1;
	fprintf(f, "# Written by ssisdr-sim for scenario %s: the console settings that reach it.\n",
		w->scenario);
	fprintf(f, "\n[console]\nrefresh = 10s\naudit_log = %s/audit.jsonl\n", w->dir);
	fprintf(f, "\n[azure]\narm_endpoint = %s\nauthority = %s\nauth = client-secret\n", w->base_url,
		w->base_url);
	fprintf(f, "tenant_id = %s\nclient_id = %s\nclient_secret = file:%s\n", w->tenant, w->client_id,
		secret_path);
	for (int p = 0; p < w->npairs; p++) {
		fprintf(f, "\n[pair %s]\ntriggers = ssis\n", w->pairs[p].name);
		for (int s = 0; s < 2; s++)
			write_site(f, w, p, s);
	}
	if (fclose(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
