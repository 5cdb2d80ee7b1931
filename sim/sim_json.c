#include <config.h>

#include "sim/sim_json.h"

#include <stdio.h>
#include <string.h>

#include "sim/sim_db.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define STR(s) json_object_new_string(s)

static struct sim_site *site_of(struct sim_world *w, int p, int s)
{
	return &w->pairs[p].sites[s];
}

void sim_id_factory(struct sim_world *w, int p, int s, char *buf, size_t len)
{
	struct sim_site *x = site_of(w, p, s);

	snprintf(buf, len, "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.DataFactory/factories/%s",
		 w->subscription, x->resource_group, x->factory);
}

void sim_id_ir(struct sim_world *w, int p, int s, char *buf, size_t len)
{
	char f[SIM_ID_MAX];

	sim_id_factory(w, p, s, f, sizeof(f));
	snprintf(buf, len, "%s/integrationruntimes/%s", f, site_of(w, p, s)->ir.name);
}

void sim_id_server(struct sim_world *w, int p, int s, char *buf, size_t len)
{
	struct sim_site *x = site_of(w, p, s);

	snprintf(buf, len, "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Sql/%s/%s",
		 w->subscription, x->resource_group,
		 w->kind == SIM_KIND_MI ? "managedInstances" : "servers", x->server);
}

void sim_id_fog(struct sim_world *w, int p, int s, char *buf, size_t len)
{
	struct sim_site *x = site_of(w, p, s);
	char srv[SIM_ID_MAX];

	if (w->kind == SIM_KIND_MI) {
		snprintf(buf, len,
			 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Sql/locations/%s/instanceFailoverGroups/%s",
			 w->subscription, x->resource_group, x->region, w->pairs[p].fog);
		return;
	}
	sim_id_server(w, p, s, srv, sizeof(srv));
	snprintf(buf, len, "%s/failoverGroups/%s", srv, w->pairs[p].fog);
}

static void etag(unsigned version, unsigned salt, char *buf, size_t len)
{
	snprintf(buf, len, "\"%08x-0000-0200-0000-%012x\"", version, salt);
}

struct json_object *sim_json_ir(struct sim_world *w, int p, int s)
{
	struct sim_site *x = site_of(w, p, s);
	struct json_object *o = json_object_new_object(), *props = json_object_new_object();
	struct json_object *tp = json_object_new_object(), *compute = json_object_new_object();
	struct json_object *ssis = json_object_new_object(), *cat = json_object_new_object();
	struct json_object *pw = json_object_new_object();
	char id[SIM_ID_MAX], tag[64], admin[SIM_NAME_MAX + 8];

	sim_id_ir(w, p, s, id, sizeof(id));
	etag(x->ir.version, (unsigned)(p * 2 + s), tag, sizeof(tag));
	ADD(o, "id", STR(id));
	ADD(o, "name", STR(x->ir.name));
	ADD(o, "type", STR("Microsoft.DataFactory/factories/integrationruntimes"));
	ADD(o, "properties", props);
	ADD(o, "etag", STR(tag));
	ADD(props, "type", STR("Managed"));
	ADD(props, "description", STR("Azure-SSIS integration runtime (dual standby pair member)"));
	ADD(props, "state", STR(sim_ir_state_name(x->ir.state)));
	ADD(props, "typeProperties", tp);
	ADD(tp, "computeProperties", compute);
	ADD(compute, "location", STR(x->location));
	ADD(compute, "nodeSize", STR("Standard_D4_v3"));
	ADD(compute, "numberOfNodes", json_object_new_int(x->ir.nodes));
	ADD(compute, "maxParallelExecutionsPerNode", json_object_new_int(4));
	if (x->ir.vnet) {
		struct json_object *vnet = json_object_new_object();
		char sub[SIM_ID_MAX];

		snprintf(sub, sizeof(sub),
			 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/vnet-%s/subnets/ssis",
			 w->subscription, x->resource_group, x->region);
		ADD(vnet, "subnetId", STR(sub));
		ADD(tp, "customerVirtualNetwork", vnet);
	}
	ADD(tp, "ssisProperties", ssis);
	ADD(ssis, "catalogInfo", cat);
	ADD(cat, "catalogServerEndpoint", STR(x->ir.catalog_endpoint));
	snprintf(admin, sizeof(admin), "ssisadmin");
	ADD(cat, "catalogAdminUserName", STR(admin));
	ADD(pw, "type", STR("SecureString"));
	ADD(pw, "value", STR("**********"));
	ADD(cat, "catalogAdminPassword", pw);
	if (w->kind == SIM_KIND_SQLDB)
		ADD(cat, "catalogPricingTier", STR("S1"));
	ADD(cat, "dualStandbyPairName", STR(x->ir.pair_name));
	ADD(ssis, "licenseType", STR("LicenseIncluded"));
	ADD(ssis, "edition", STR("Standard"));
	return o;
}

struct json_object *sim_json_ir_status(struct sim_world *w, int p, int s)
{
	struct sim_site *x = site_of(w, p, s);
	struct json_object *o = json_object_new_object(), *props = json_object_new_object();
	struct json_object *tp = json_object_new_object(), *nodes = json_object_new_array();
	struct json_object *last = json_object_new_object();
	char t[64];

	ADD(o, "name", STR(x->ir.name));
	ADD(o, "properties", props);
	ADD(props, "dataFactoryName", STR(x->factory));
	ADD(props, "type", STR("Managed"));
	ADD(props, "state", STR(sim_ir_state_name(x->ir.state)));
	ADD(props, "typeProperties", tp);
	if (x->ir.state == SIM_IR_STARTED || x->ir.state == SIM_IR_STARTING ||
	    x->ir.state == SIM_IR_STOPPING) {
		for (int i = 0; i < x->ir.nodes; i++) {
			struct json_object *n = json_object_new_object();
			char nid[32];

			snprintf(nid, sizeof(nid), "tvm-%08x-%d", (unsigned)(p * 2 + s), i);
			ADD(n, "nodeId", STR(nid));
			ADD(n, "status", STR(x->ir.state == SIM_IR_STARTING ? "Starting" : "Available"));
			ADD(n, "errors", json_object_new_array());
			json_object_array_add(nodes, n);
		}
	}
	ADD(tp, "nodes", nodes);
	ADD(tp, "otherErrors", json_object_new_array());
	sim_clock_iso8601(&w->clock, -86400, t, sizeof(t));
	ADD(tp, "createTime", STR(t));
	ADD(tp, "lastOperation", last);
	ADD(last, "type", STR(x->ir.last_op_type));
	sim_clock_iso8601(&w->clock, x->ir.last_op_start, t, sizeof(t));
	ADD(last, "startTime", STR(t));
	ADD(last, "result", STR(x->ir.last_op_result));
	ADD(last, "errorCode", STR(x->ir.last_op_error));
	ADD(last, "parameters", json_object_new_array());
	ADD(last, "activityId", STR("00000000-0000-0000-0000-000000000000"));
	return o;
}

static struct json_object *reference(const char *name, const char *type)
{
	struct json_object *r = json_object_new_object();

	ADD(r, "referenceName", STR(name));
	ADD(r, "type", STR(type));
	return r;
}

struct json_object *sim_json_trigger(struct sim_world *w, int p, int s, int i)
{
	struct sim_site *x = site_of(w, p, s);
	struct sim_trigger *t = &x->triggers[i];
	struct json_object *o = json_object_new_object(), *props = json_object_new_object();
	struct json_object *tp = json_object_new_object(), *rec = json_object_new_object();
	struct json_object *pipes = json_object_new_array(), *pr = json_object_new_object();
	char id[SIM_ID_MAX * 2], f[SIM_ID_MAX], tag[64];

	sim_id_factory(w, p, s, f, sizeof(f));
	snprintf(id, sizeof(id), "%s/triggers/%s", f, t->name);
	etag((unsigned)t->started + 1, (unsigned)(i + 1), tag, sizeof(tag));
	ADD(o, "id", STR(id));
	ADD(o, "name", STR(t->name));
	ADD(o, "type", STR("Microsoft.DataFactory/factories/triggers"));
	ADD(o, "properties", props);
	ADD(o, "etag", STR(tag));
	ADD(props, "type", STR("ScheduleTrigger"));
	ADD(props, "typeProperties", tp);
	ADD(tp, "recurrence", rec);
	ADD(rec, "frequency", STR("Hour"));
	ADD(rec, "interval", json_object_new_int(1));
	ADD(rec, "startTime", STR("2026-01-01T00:00:00Z"));
	ADD(rec, "timeZone", STR("UTC"));
	ADD(pr, "pipelineReference", reference(t->pipeline, "PipelineReference"));
	ADD(pr, "parameters", json_object_new_object());
	json_object_array_add(pipes, pr);
	ADD(props, "pipelines", pipes);
	ADD(props, "description", STR("Runs an SSIS pipeline of the dual standby pair"));
	ADD(props, "runtimeState", STR(t->started ? "Started" : "Stopped"));
	return o;
}

struct json_object *sim_json_pipeline(struct sim_world *w, int p, int s, int i)
{
	struct sim_site *x = site_of(w, p, s);
	struct sim_pipeline *pl = &x->pipelines[i];
	struct json_object *o = json_object_new_object(), *props = json_object_new_object();
	struct json_object *acts = json_object_new_array(), *a = json_object_new_object();
	struct json_object *tp = json_object_new_object();
	char id[SIM_ID_MAX * 2], f[SIM_ID_MAX], tag[64];

	sim_id_factory(w, p, s, f, sizeof(f));
	snprintf(id, sizeof(id), "%s/pipelines/%s", f, pl->name);
	etag(1, (unsigned)(i + 1), tag, sizeof(tag));
	ADD(o, "id", STR(id));
	ADD(o, "name", STR(pl->name));
	ADD(o, "type", STR("Microsoft.DataFactory/factories/pipelines"));
	ADD(o, "properties", props);
	ADD(o, "etag", STR(tag));
	ADD(props, "description", STR(pl->ssis ? "Runs an SSIS package on the Azure-SSIS IR" : "Copies raw files"));
	ADD(props, "activities", acts);
	ADD(props, "parameters", json_object_new_object());
	ADD(props, "variables", json_object_new_object());
	json_object_array_add(acts, a);
	if (pl->ssis) {
		struct json_object *loc = json_object_new_object();

		ADD(a, "name", STR("Run SSIS package"));
		ADD(a, "type", STR("ExecuteSSISPackage"));
		ADD(a, "typeProperties", tp);
		ADD(tp, "connectVia", reference(x->ir.name, "IntegrationRuntimeReference"));
		ADD(tp, "packageLocation", loc);
		ADD(loc, "packagePath", STR(pl->package_path));
		ADD(loc, "type", STR("SSISDB"));
		ADD(tp, "runtime", STR("x64"));
		ADD(tp, "loggingLevel", STR("Basic"));
	} else {
		struct json_object *src = json_object_new_object(), *sink = json_object_new_object();

		ADD(a, "name", STR("Copy raw files"));
		ADD(a, "type", STR("Copy"));
		ADD(a, "typeProperties", tp);
		ADD(src, "type", STR("BlobSource"));
		ADD(sink, "type", STR("BlobSink"));
		ADD(tp, "source", src);
		ADD(tp, "sink", sink);
	}
	return o;
}

static struct json_object *rw_endpoint(struct sim_pair *pair)
{
	struct json_object *rw = json_object_new_object();

	ADD(rw, "failoverPolicy", STR(pair->policy));
	if (!strcmp(pair->policy, "Automatic"))
		ADD(rw, "failoverWithDataLossGracePeriodMinutes", json_object_new_int(pair->grace_minutes));
	return rw;
}

static struct json_object *mi_fog(struct sim_world *w, int p, int s)
{
	struct sim_pair *pair = &w->pairs[p];
	struct sim_site *x = &pair->sites[s], *other = &pair->sites[1 - s];
	int pri = pair->sites[0].role == SIM_ROLE_PRIMARY ? 0 : 1;
	struct json_object *o = json_object_new_object(), *props = json_object_new_object();
	struct json_object *ro = json_object_new_object(), *regions = json_object_new_array();
	struct json_object *partner = json_object_new_object(), *pairs = json_object_new_array();
	struct json_object *mp = json_object_new_object();
	char id[SIM_ID_MAX], a[SIM_ID_MAX], b[SIM_ID_MAX];

	sim_id_fog(w, p, s, id, sizeof(id));
	ADD(o, "id", STR(id));
	ADD(o, "name", STR(pair->fog));
	ADD(o, "type", STR("Microsoft.Sql/locations/instanceFailoverGroups"));
	ADD(o, "properties", props);
	ADD(props, "readWriteEndpoint", rw_endpoint(pair));
	ADD(ro, "failoverPolicy", STR("Disabled"));
	ADD(props, "readOnlyEndpoint", ro);
	ADD(props, "replicationRole", STR(sim_role_name(x->role)));
	ADD(props, "replicationState", STR(pair->replication_state));
	ADD(partner, "location", STR(other->location));
	ADD(partner, "replicationRole", STR(sim_role_name(other->role)));
	json_object_array_add(regions, partner);
	ADD(props, "partnerRegions", regions);
	sim_id_server(w, p, pri, a, sizeof(a));
	sim_id_server(w, p, 1 - pri, b, sizeof(b));
	ADD(mp, "primaryManagedInstanceId", STR(a));
	ADD(mp, "partnerManagedInstanceId", STR(b));
	json_object_array_add(pairs, mp);
	ADD(props, "managedInstancePairs", pairs);
	ADD(props, "secondaryType", STR("Geo"));
	return o;
}

struct json_object *sim_json_fog(struct sim_world *w, int p, int s)
{
	struct sim_pair *pair = &w->pairs[p];
	struct sim_site *x = &pair->sites[s], *other = &pair->sites[1 - s];
	struct json_object *o, *props, *ro, *partners, *partner, *dbs;
	char id[SIM_ID_MAX], srv[SIM_ID_MAX], osrv[SIM_ID_MAX], db[SIM_ID_MAX + 32];

	if (w->kind == SIM_KIND_MI)
		return mi_fog(w, p, s);
	o = json_object_new_object();
	props = json_object_new_object();
	ro = json_object_new_object();
	partners = json_object_new_array();
	partner = json_object_new_object();
	dbs = json_object_new_array();
	sim_id_fog(w, p, s, id, sizeof(id));
	sim_id_server(w, p, s, srv, sizeof(srv));
	sim_id_server(w, p, 1 - s, osrv, sizeof(osrv));
	ADD(o, "id", STR(id));
	ADD(o, "name", STR(pair->fog));
	ADD(o, "type", STR("Microsoft.Sql/servers/failoverGroups"));
	ADD(o, "location", STR(x->location));
	ADD(o, "tags", json_object_new_object());
	ADD(o, "properties", props);
	ADD(props, "readWriteEndpoint", rw_endpoint(pair));
	ADD(ro, "failoverPolicy", STR("Disabled"));
	ADD(ro, "targetServer", STR(osrv));
	ADD(props, "readOnlyEndpoint", ro);
	ADD(props, "replicationRole", STR(sim_role_name(x->role)));
	ADD(props, "replicationState", STR(pair->replication_state));
	ADD(partner, "id", STR(osrv));
	ADD(partner, "location", STR(other->location));
	ADD(partner, "replicationRole", STR(sim_role_name(other->role)));
	json_object_array_add(partners, partner);
	ADD(props, "partnerServers", partners);
	snprintf(db, sizeof(db), "%s/databases/SSISDB", srv);
	json_object_array_add(dbs, STR(db));
	ADD(props, "databases", dbs);
	ADD(props, "secondaryType", STR("Geo"));
	return o;
}

static struct json_object *state_site(struct sim_world *w, int p, int s)
{
	struct sim_site *x = site_of(w, p, s);
	struct json_object *o = json_object_new_object(), *ir = json_object_new_object();
	struct json_object *trig = json_object_new_array(), *pipes = json_object_new_array();
	struct json_object *jobs = json_object_new_array(), *bind = json_object_new_object();
	char buf[SIM_ID_MAX], odbc[SIM_PATH_MAX + 64], f[SIM_NAME_MAX], irn[SIM_NAME_MAX];

	ADD(o, "name", STR(x->name));
	ADD(o, "region", STR(x->region));
	ADD(o, "location", STR(x->location));
	ADD(o, "role", STR(x->role == SIM_ROLE_PRIMARY ? "primary" : "secondary"));
	ADD(o, "resource_group", STR(x->resource_group));
	sim_id_factory(w, p, s, buf, sizeof(buf));
	ADD(o, "factory_id", STR(buf));
	ADD(o, "factory", STR(x->factory));
	sim_id_server(w, p, s, buf, sizeof(buf));
	ADD(o, w->kind == SIM_KIND_MI ? "managed_instance_id" : "server_id", STR(buf));
	ADD(o, "server", STR(x->server));
	sim_id_fog(w, p, s, buf, sizeof(buf));
	ADD(o, "failover_group_id", STR(buf));
	ADD(o, "outage", json_object_new_boolean(x->outage));
	ADD(o, "db_locked", json_object_new_boolean(x->db_locked));
	ADD(o, "ir", ir);
	sim_id_ir(w, p, s, buf, sizeof(buf));
	ADD(ir, "id", STR(buf));
	ADD(ir, "name", STR(x->ir.name));
	ADD(ir, "state", STR(sim_ir_state_name(x->ir.state)));
	ADD(ir, "nodes", json_object_new_int(x->ir.nodes));
	ADD(ir, "vnet", json_object_new_boolean(x->ir.vnet));
	ADD(ir, "start_seconds", json_object_new_double(x->ir.start_seconds));
	ADD(ir, "catalog_server_endpoint", STR(x->ir.catalog_endpoint));
	ADD(ir, "dual_standby_pair_name", STR(x->ir.pair_name));
	for (int i = 0; i < x->ntriggers; i++) {
		struct json_object *t = json_object_new_object();
		ADD(t, "name", STR(x->triggers[i].name));
		ADD(t, "pipeline", STR(x->triggers[i].pipeline));
		ADD(t, "state", STR(x->triggers[i].started ? "Started" : "Stopped"));
		json_object_array_add(trig, t);
	}
	ADD(o, "triggers", trig);
	for (int i = 0; i < x->npipelines; i++) {
		struct json_object *t = json_object_new_object();
		ADD(t, "name", STR(x->pipelines[i].name));
		ADD(t, "ssis", json_object_new_boolean(x->pipelines[i].ssis));
		json_object_array_add(pipes, t);
	}
	ADD(o, "pipelines", pipes);
	if (x->msdb_path[0])
		sim_db_read_schedules(w, p, s);
	for (int i = 0; i < x->njobs; i++) {
		struct json_object *t = json_object_new_object();
		ADD(t, "name", STR(x->jobs[i].name));
		ADD(t, "schedule", STR(x->jobs[i].schedule));
		ADD(t, "schedule_id", json_object_new_int(x->jobs[i].schedule_id));
		ADD(t, "schedule_enabled", json_object_new_boolean(x->jobs[i].schedule_enabled));
		ADD(t, "job_enabled", json_object_new_boolean(x->jobs[i].job_enabled));
		json_object_array_add(jobs, t);
	}
	ADD(o, "jobs", jobs);
	if (sim_db_read_binding(w, p, s, f, sizeof(f), irn, sizeof(irn)) == 0) {
		ADD(bind, "data_factory_name", STR(f));
		ADD(bind, "integration_runtime_name", STR(irn));
	}
	ADD(o, "ssisdb_binding", bind);
	ADD(o, "running_packages", json_object_new_int(sim_db_count_running(w, p, s)));
	ADD(o, "ssisdb_path", STR(x->ssisdb_path));
	snprintf(odbc, sizeof(odbc), "Driver=SQLite3;Database=%s;NoCreat=1", x->ssisdb_path);
	ADD(o, "ssisdb_odbc", STR(odbc));
	if (x->msdb_path[0]) {
		ADD(o, "msdb_path", STR(x->msdb_path));
		snprintf(odbc, sizeof(odbc), "Driver=SQLite3;Database=%s;NoCreat=1", x->msdb_path);
		ADD(o, "msdb_odbc", STR(odbc));
	}
	return o;
}

static struct json_object *state_pair(struct sim_world *w, int p)
{
	struct sim_pair *pair = &w->pairs[p];
	struct json_object *o = json_object_new_object(), *fog = json_object_new_object();
	struct json_object *sites = json_object_new_array();
	int pri = pair->sites[0].role == SIM_ROLE_PRIMARY ? 0 : 1;

	ADD(o, "name", STR(pair->name));
	ADD(o, "failover_group", fog);
	ADD(fog, "name", STR(pair->fog));
	ADD(fog, "policy", STR(pair->policy));
	ADD(fog, "replication_state", STR(pair->replication_state));
	ADD(fog, "lag_seconds", json_object_new_double(pair->lag_seconds));
	ADD(fog, "primary", STR(pair->sites[pri].name));
	ADD(fog, "failover_running", json_object_new_boolean(pair->failover_running));
	ADD(fog, "smk_replicated", json_object_new_boolean(pair->smk_replicated));
	if (pair->has_failover) {
		struct json_object *lf = json_object_new_object();
		char t[64];

		ADD(lf, "kind", STR(pair->last_failover.kind));
		sim_clock_iso8601(&w->clock, pair->last_failover.at, t, sizeof(t));
		ADD(lf, "at", STR(t));
		ADD(lf, "from", STR(pair->last_failover.from));
		ADD(lf, "to", STR(pair->last_failover.to));
		ADD(lf, "data_loss_seconds", json_object_new_double(pair->last_failover.data_loss_seconds));
		ADD(lf, "lost_transactions", json_object_new_int64(pair->last_failover.lost_transactions));
		ADD(fog, "last_failover", lf);
	}
	for (int s = 0; s < 2; s++)
		json_object_array_add(sites, state_site(w, p, s));
	ADD(o, "sites", sites);
	return o;
}

struct json_object *sim_json_state(struct sim_world *w)
{
	struct json_object *o = json_object_new_object(), *pairs = json_object_new_array();
	struct json_object *cred = json_object_new_object();
	char t[64], url[256];

	ADD(o, "scenario", STR(w->scenario));
	ADD(o, "kind", STR(w->kind == SIM_KIND_MI ? "mi" : "sqldb"));
	sim_clock_iso8601(&w->clock, sim_clock_now(&w->clock), t, sizeof(t));
	ADD(o, "now", STR(t));
	ADD(o, "virtual_seconds", json_object_new_double(sim_clock_now(&w->clock)));
	ADD(o, "time_scale", json_object_new_double(w->clock.scale));
	ADD(o, "arm_endpoint", STR(w->base_url));
	ADD(o, "subscription", STR(w->subscription));
	ADD(o, "credentials", cred);
	ADD(cred, "tenant_id", STR(w->tenant));
	ADD(cred, "client_id", STR(w->client_id));
	ADD(cred, "client_secret", STR(w->client_secret));
	snprintf(url, sizeof(url), "%s/%s/oauth2/v2.0/token", w->base_url, w->tenant);
	ADD(cred, "token_url", STR(url));
	ADD(cred, "authority", STR(w->base_url));
	for (int p = 0; p < w->npairs; p++)
		json_object_array_add(pairs, state_pair(w, p));
	ADD(o, "pairs", pairs);
	return o;
}
