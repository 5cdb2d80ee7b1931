/* Data Factory bodies: integration runtimes, their status, triggers and
 * pipelines (api-version 2018-06-01). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/arm_json.h"
#include "core/arm_parse.h"
#include "core/util.h"

#define PATH_MAX_LEN 256

/* ---- integration runtimes ------------------------------------------ */

static bool has_members(const struct json_object *obj)
{
	return obj && json_object_object_length(obj) > 0;
}

static void read_ir_compute(const struct json_object *compute, struct arm_ir *ir)
{
	long long nodes;

	arm_json_opt_string(compute, "location", ir->location, sizeof ir->location);
	arm_json_opt_string(compute, "nodeSize", ir->node_size, sizeof ir->node_size);
	if (arm_json_opt_int(compute, "numberOfNodes", 0, INT_MAX, &nodes))
		ir->number_of_nodes = (int)nodes;
}

/* Reads names only: catalogAdminPassword and other secrets are never touched. */
static void read_ir_ssis(const struct json_object *ssis, struct arm_ir *ir)
{
	struct json_object *catalog = arm_json_opt_object(ssis, "catalogInfo");

	ir->is_ssis = ssis != NULL;
	arm_json_opt_string(catalog, "catalogServerEndpoint", ir->catalog_server_endpoint,
			    sizeof ir->catalog_server_endpoint);
	arm_json_opt_string(catalog, "dualStandbyPairName", ir->dual_standby_pair_name,
			    sizeof ir->dual_standby_pair_name);
}

static int parse_ir_object(const struct json_object *obj, const char *path, void *dst, char *err,
			   size_t errlen)
{
	struct arm_ir *ir = dst;
	struct json_object *props, *type_props, *compute;

	if (arm_json_req_string(obj, path, "name", ir->name, sizeof ir->name, err, errlen) ||
	    arm_json_req_object(obj, path, "properties", &props, err, errlen))
		return -1;
	arm_json_opt_string(obj, "id", ir->id, sizeof ir->id);
	arm_json_opt_string(obj, "etag", ir->etag, sizeof ir->etag);
	arm_json_opt_string(props, "type", ir->type, sizeof ir->type);
	arm_json_opt_string(props, "state", ir->state, sizeof ir->state);
	type_props = arm_json_opt_object(props, "typeProperties");
	compute = arm_json_opt_object(type_props, "computeProperties");
	read_ir_compute(compute, ir);
	read_ir_ssis(arm_json_opt_object(type_props, "ssisProperties"), ir);
	ir->has_vnet = has_members(arm_json_opt_object(compute, "vNetProperties")) ||
		       has_members(arm_json_opt_object(type_props, "customerVirtualNetwork"));
	return 0;
}

static const struct arm_json_page_spec ir_page = {
	.item_size = sizeof(struct arm_ir),
	.parse_item = parse_ir_object,
	.free_item = NULL,
};

int arm_parse_ir(const char *body, size_t len, struct arm_ir *out, char *err, size_t errlen)
{
	if (!out)
		return errf(err, errlen, "internal error: no place to store the integration runtime");
	memset(out, 0, sizeof *out);
	if (arm_json_parse_single(body, len, parse_ir_object, out, err, errlen)) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

int arm_parse_ir_list(const char *body, size_t len, struct arm_ir_list *out, char *err,
		      size_t errlen)
{
	void *items;
	int rc;

	if (!out)
		return errf(err, errlen, "internal error: no place to store the list");
	rc = arm_json_parse_page(body, len, &ir_page, &items, &out->count, out->next_link,
				 sizeof out->next_link, err, errlen);
	out->items = items;
	return rc;
}

void arm_ir_list_free(struct arm_ir_list *list)
{
	if (!list)
		return;
	arm_json_free_items(list->items, list->count, &ir_page);
	list->items = NULL;
	list->count = 0;
	list->next_link[0] = '\0';
}

/* ---- integration runtime status ------------------------------------ */

/* properties.state, or typeProperties.state when the former is absent. */
static int read_status_state(const struct json_object *props, const struct json_object *type_props,
			     const char *props_path, const char *type_path, struct arm_ir_status *st,
			     char *err, size_t errlen)
{
	if (arm_json_get(props, "state") || !arm_json_get(type_props, "state"))
		return arm_json_req_string(props, props_path, "state", st->state,
					   sizeof st->state, err, errlen);
	return arm_json_req_string(type_props, type_path, "state", st->state, sizeof st->state,
				   err, errlen);
}

static int count_nodes(const struct json_object *type_props, const char *type_path,
		       struct arm_ir_status *st, char *err, size_t errlen)
{
	struct json_object *nodes;
	char status[ARM_WORD_MAX];

	if (arm_json_checked_array(type_props, type_path, "nodes", &nodes, err, errlen))
		return -1;
	if (!nodes)
		return 0;
	st->node_count = json_object_array_length(nodes);
	for (size_t i = 0; i < st->node_count; i++) {
		arm_json_opt_string(json_object_array_get_idx(nodes, i), "status", status,
				    sizeof status);
		if (strcmp(status, "Available") == 0)
			st->nodes_available++;
	}
	return 0;
}

static void read_last_operation(const struct json_object *op, struct arm_ir_status *st)
{
	struct arm_ir_operation *last = &st->last_operation;

	st->has_last_operation = op != NULL;
	arm_json_opt_string(op, "type", last->type, sizeof last->type);
	arm_json_opt_string(op, "startTime", last->start_time, sizeof last->start_time);
	arm_json_opt_string(op, "result", last->result, sizeof last->result);
	arm_json_opt_string(op, "errorCode", last->error_code, sizeof last->error_code);
}

static int parse_ir_status_object(const struct json_object *obj, const char *path, void *dst,
				  char *err, size_t errlen)
{
	struct arm_ir_status *st = dst;
	struct json_object *props, *type_props, *errors;
	char props_path[PATH_MAX_LEN], type_path[PATH_MAX_LEN];

	if (arm_json_req_object(obj, path, "properties", &props, err, errlen))
		return -1;
	arm_json_join(props_path, sizeof props_path, path, "properties");
	arm_json_join(type_path, sizeof type_path, props_path, "typeProperties");
	type_props = arm_json_opt_object(props, "typeProperties");
	if (read_status_state(props, type_props, props_path, type_path, st, err, errlen) ||
	    count_nodes(type_props, type_path, st, err, errlen))
		return -1;
	arm_json_opt_string(obj, "name", st->name, sizeof st->name);
	arm_json_opt_string(props, "type", st->type, sizeof st->type);
	arm_json_opt_string(props, "dataFactoryName", st->data_factory_name,
			    sizeof st->data_factory_name);
	read_last_operation(arm_json_opt_object(type_props, "lastOperation"), st);
	errors = arm_json_opt_array(type_props, "otherErrors");
	if (errors && json_object_array_length(errors) > 0)
		arm_json_opt_string(json_object_array_get_idx(errors, 0), "message",
				    st->first_error, sizeof st->first_error);
	return 0;
}

int arm_parse_ir_status(const char *body, size_t len, struct arm_ir_status *out, char *err,
			size_t errlen)
{
	if (!out)
		return errf(err, errlen, "internal error: no place to store the status");
	memset(out, 0, sizeof *out);
	if (arm_json_parse_single(body, len, parse_ir_status_object, out, err, errlen)) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* ---- triggers ------------------------------------------------------- */

/* {"pipelineReference": {"referenceName": ...}} -> name, or "" */
static void read_pipeline_reference(const struct json_object *holder, char *dst, size_t dstlen)
{
	struct json_object *ref = arm_json_opt_object(holder, "pipelineReference");

	arm_json_opt_string(ref, "referenceName", dst, dstlen);
}

static void add_pipeline_ref(struct arm_trigger *t, const struct json_object *holder)
{
	struct arm_pipeline_ref *ref = &t->pipelines[t->pipeline_count];

	read_pipeline_reference(holder, ref->name, sizeof ref->name);
	if (ref->name[0])
		t->pipeline_count++;
}

/* MultiplePipelineTrigger: properties.pipelines[]; TumblingWindow and
 * Chaining: properties.pipeline. */
static int read_trigger_pipelines(const struct json_object *props, const char *props_path,
				  struct arm_trigger *t, char *err, size_t errlen)
{
	struct json_object *many = arm_json_opt_array(props, "pipelines");
	struct json_object *one = arm_json_opt_object(props, "pipeline");
	size_t n = (many ? json_object_array_length(many) : 0) + (one ? 1 : 0);

	if (n == 0)
		return 0;
	if (n > ARM_MAX_REFS)
		return errf(err, errlen, "%s.pipelines: %zu pipelines, more than the %d accepted",
			    props_path, n, ARM_MAX_REFS);
	t->pipelines = calloc(n, sizeof *t->pipelines);
	if (!t->pipelines)
		return errf(err, errlen, "out of memory for %zu pipeline references", n);
	for (size_t i = 0; many && i < json_object_array_length(many); i++)
		add_pipeline_ref(t, json_object_array_get_idx(many, i));
	if (one)
		add_pipeline_ref(t, one);
	return 0;
}

static int parse_trigger_object(const struct json_object *obj, const char *path, void *dst,
				char *err, size_t errlen)
{
	struct arm_trigger *t = dst;
	struct json_object *props;
	char props_path[PATH_MAX_LEN];

	if (arm_json_req_string(obj, path, "name", t->name, sizeof t->name, err, errlen) ||
	    arm_json_req_object(obj, path, "properties", &props, err, errlen))
		return -1;
	arm_json_opt_string(obj, "id", t->id, sizeof t->id);
	arm_json_opt_string(obj, "etag", t->etag, sizeof t->etag);
	arm_json_opt_string(props, "type", t->type, sizeof t->type);
	arm_json_opt_string(props, "runtimeState", t->runtime_state, sizeof t->runtime_state);
	arm_json_join(props_path, sizeof props_path, path, "properties");
	return read_trigger_pipelines(props, props_path, t, err, errlen);
}

static void free_trigger_item(void *item)
{
	arm_trigger_free(item);
}

static const struct arm_json_page_spec trigger_page = {
	.item_size = sizeof(struct arm_trigger),
	.parse_item = parse_trigger_object,
	.free_item = free_trigger_item,
};

int arm_parse_trigger(const char *body, size_t len, struct arm_trigger *out, char *err,
		      size_t errlen)
{
	if (!out)
		return errf(err, errlen, "internal error: no place to store the trigger");
	memset(out, 0, sizeof *out);
	if (arm_json_parse_single(body, len, parse_trigger_object, out, err, errlen)) {
		arm_trigger_free(out);
		return -1;
	}
	return 0;
}

void arm_trigger_free(struct arm_trigger *trigger)
{
	if (!trigger)
		return;
	free(trigger->pipelines);
	memset(trigger, 0, sizeof *trigger);
}

int arm_parse_trigger_list(const char *body, size_t len, struct arm_trigger_list *out, char *err,
			   size_t errlen)
{
	void *items;
	int rc;

	if (!out)
		return errf(err, errlen, "internal error: no place to store the list");
	rc = arm_json_parse_page(body, len, &trigger_page, &items, &out->count, out->next_link,
				 sizeof out->next_link, err, errlen);
	out->items = items;
	return rc;
}

void arm_trigger_list_free(struct arm_trigger_list *list)
{
	if (!list)
		return;
	arm_json_free_items(list->items, list->count, &trigger_page);
	list->items = NULL;
	list->count = 0;
	list->next_link[0] = '\0';
}

/* ---- pipelines ------------------------------------------------------ */

/* A plain string, or an ADF expression {"value": "...", "type": "Expression"}. */
static void read_text_or_expression(const struct json_object *obj, const char *key, char *dst,
				    size_t dstlen)
{
	struct json_object *expr = arm_json_opt_object(obj, key);

	if (expr)
		arm_json_opt_string(expr, "value", dst, dstlen);
	else
		arm_json_opt_string(obj, key, dst, dstlen);
}

static int add_ssis_activity(struct arm_pipeline *p, size_t *capacity,
			     const struct json_object *activity, char *err, size_t errlen)
{
	struct json_object *type_props = arm_json_opt_object(activity, "typeProperties");
	struct arm_ssis_activity *a;

	if (p->ssis_activity_count >= ARM_MAX_REFS)
		return errf(err, errlen, "%s: more than %d ExecuteSSISPackage activities", p->name,
			    ARM_MAX_REFS);
	if (p->ssis_activity_count == *capacity) {
		size_t grown = *capacity ? *capacity * 2 : 4;
		void *bigger = realloc(p->ssis_activities, grown * sizeof *a);

		if (!bigger)
			return errf(err, errlen, "out of memory for SSIS activities");
		p->ssis_activities = bigger;
		*capacity = grown;
	}
	a = &p->ssis_activities[p->ssis_activity_count++];
	memset(a, 0, sizeof *a);
	arm_json_opt_string(activity, "name", a->name, sizeof a->name);
	arm_json_opt_string(arm_json_opt_object(type_props, "connectVia"), "referenceName",
			    a->ir_name, sizeof a->ir_name);
	read_text_or_expression(arm_json_opt_object(type_props, "packageLocation"), "packagePath",
				a->package_path, sizeof a->package_path);
	return 0;
}

static int scan_activities(const struct json_object *activities, struct arm_pipeline *p,
			   size_t *capacity, char *err, size_t errlen);

/* Containers of nested activities: ForEach/Until, IfCondition, Switch.
 * Recursion depth is bounded by ARM_JSON_MAX_DEPTH, as every level of
 * activities nests at least three JSON levels. */
static int scan_nested(const struct json_object *type_props, struct arm_pipeline *p,
		       size_t *capacity, char *err, size_t errlen)
{
	static const char *const containers[] = {"activities", "ifTrueActivities",
						 "ifFalseActivities", "defaultActivities"};
	struct json_object *cases = arm_json_opt_array(type_props, "cases");

	for (size_t i = 0; i < sizeof containers / sizeof *containers; i++) {
		if (scan_activities(arm_json_opt_array(type_props, containers[i]), p, capacity, err,
				    errlen))
			return -1;
	}
	for (size_t i = 0; cases && i < json_object_array_length(cases); i++) {
		struct json_object *one_case = json_object_array_get_idx(cases, i);

		if (scan_activities(arm_json_opt_array(one_case, "activities"), p, capacity, err,
				    errlen))
			return -1;
	}
	return 0;
}

static int scan_activities(const struct json_object *activities, struct arm_pipeline *p,
			   size_t *capacity, char *err, size_t errlen)
{
	char type[ARM_WORD_MAX];

	for (size_t i = 0; activities && i < json_object_array_length(activities); i++) {
		struct json_object *activity = json_object_array_get_idx(activities, i);

		arm_json_opt_string(activity, "type", type, sizeof type);
		if (strcmp(type, "ExecuteSSISPackage") == 0 &&
		    add_ssis_activity(p, capacity, activity, err, errlen))
			return -1;
		if (scan_nested(arm_json_opt_object(activity, "typeProperties"), p, capacity, err,
				errlen))
			return -1;
	}
	return 0;
}

static int parse_pipeline_object(const struct json_object *obj, const char *path, void *dst,
				 char *err, size_t errlen)
{
	struct arm_pipeline *p = dst;
	struct json_object *props;
	size_t capacity = 0;

	if (arm_json_req_string(obj, path, "name", p->name, sizeof p->name, err, errlen) ||
	    arm_json_req_object(obj, path, "properties", &props, err, errlen))
		return -1;
	arm_json_opt_string(obj, "id", p->id, sizeof p->id);
	arm_json_opt_string(obj, "etag", p->etag, sizeof p->etag);
	return scan_activities(arm_json_opt_array(props, "activities"), p, &capacity, err, errlen);
}

static void free_pipeline_item(void *item)
{
	arm_pipeline_free(item);
}

static const struct arm_json_page_spec pipeline_page = {
	.item_size = sizeof(struct arm_pipeline),
	.parse_item = parse_pipeline_object,
	.free_item = free_pipeline_item,
};

int arm_parse_pipeline(const char *body, size_t len, struct arm_pipeline *out, char *err,
		       size_t errlen)
{
	if (!out)
		return errf(err, errlen, "internal error: no place to store the pipeline");
	memset(out, 0, sizeof *out);
	if (arm_json_parse_single(body, len, parse_pipeline_object, out, err, errlen)) {
		arm_pipeline_free(out);
		return -1;
	}
	return 0;
}

void arm_pipeline_free(struct arm_pipeline *pipeline)
{
	if (!pipeline)
		return;
	free(pipeline->ssis_activities);
	memset(pipeline, 0, sizeof *pipeline);
}

bool arm_pipeline_is_ssis(const struct arm_pipeline *pipeline)
{
	return pipeline && pipeline->ssis_activity_count > 0;
}

int arm_parse_pipeline_list(const char *body, size_t len, struct arm_pipeline_list *out,
			    char *err, size_t errlen)
{
	void *items;
	int rc;

	if (!out)
		return errf(err, errlen, "internal error: no place to store the list");
	rc = arm_json_parse_page(body, len, &pipeline_page, &items, &out->count, out->next_link,
				 sizeof out->next_link, err, errlen);
	out->items = items;
	return rc;
}

void arm_pipeline_list_free(struct arm_pipeline_list *list)
{
	if (!list)
		return;
	arm_json_free_items(list->items, list->count, &pipeline_page);
	list->items = NULL;
	list->count = 0;
	list->next_link[0] = '\0';
}
