/* Unit tests for core/arm_parse.h against the public ARM examples in
 * tests/fixtures/arm-examples and the broken bodies in
 * tests/fixtures/arm-malformed. Bodies are always handed to the parsers
 * in heap buffers of exactly their length, without a terminating NUL, so
 * AddressSanitizer catches any read past `len`. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* opendir */
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arm_parse.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "tests"
#endif
#define EXAMPLES_DIR TEST_SRCDIR "/fixtures/arm-examples"
#define MALFORMED_DIR TEST_SRCDIR "/fixtures/arm-malformed"

#define NOW ((time_t)1700000000)
#define MIB (1024u * 1024u)

/* ---- buffers and fixtures ------------------------------------------- */

struct body {
	char *data; /* exactly len bytes, not NUL-terminated */
	size_t len;
};

static struct body body_copy(const char *text, size_t len)
{
	struct body b = {malloc(len ? len : 1), len};

	assert_non_null(b.data);
	if (len)
		memcpy(b.data, text, len);
	return b;
}

static struct body body_of(const char *text)
{
	return body_copy(text, strlen(text));
}

static void body_free(struct body *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

static struct body read_file(const char *dir, const char *name)
{
	char path[1024];
	FILE *f;
	long size;
	struct body b;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	b.len = (size_t)size;
	b.data = malloc(b.len ? b.len : 1);
	assert_non_null(b.data);
	assert_int_equal(fread(b.data, 1, b.len, f), b.len);
	fclose(f);
	return b;
}

static struct json_object *load_example(const char *name)
{
	char path[1024];
	struct json_object *root;

	snprintf(path, sizeof path, "%s/%s", EXAMPLES_DIR, name);
	root = json_object_from_file(path);
	if (!root)
		fail_msg("cannot load %s: %s", path, json_util_get_last_err());
	return root;
}

static struct body serialize(struct json_object *value)
{
	const char *text = json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN);

	return body_of(text);
}

/* responses.<code>.body of an example file, re-serialized. */
static struct body example_body(const char *name, const char *code)
{
	struct json_object *root = load_example(name);
	struct json_object *responses = NULL, *response = NULL, *value = NULL;
	struct body b;

	if (!json_object_object_get_ex(root, "responses", &responses) ||
	    !json_object_object_get_ex(responses, code, &response) ||
	    !json_object_object_get_ex(response, "body", &value))
		fail_msg("%s has no responses.%s.body", name, code);
	b = serialize(value);
	json_object_put(root);
	return b;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool contains(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

/* memmem() is a GNU extension. */
static bool has_bytes(const void *hay, size_t haylen, const char *needle)
{
	const char *h = hay;
	size_t n = strlen(needle);

	for (size_t i = 0; n <= haylen && i <= haylen - n; i++) {
		if (memcmp(h + i, needle, n) == 0)
			return true;
	}
	return false;
}

/* ---- one entry point per parser, for table-driven tests ----------- */

enum kind {
	K_NONE,
	K_IR,
	K_IR_LIST,
	K_IR_STATUS,
	K_TRIGGER,
	K_TRIGGER_LIST,
	K_PIPELINE,
	K_PIPELINE_LIST,
	K_FOG,
	K_FOG_LIST,
	K_MI_FOG,
	K_MI_FOG_LIST,
	K_ERROR,
	K_ASYNC,
	K_TOKEN_SP,
	K_TOKEN_IMDS,
	K_TOKEN_CLI,
	K_ENTRA_ERROR,
	K_COUNT
};

static int parse_lists(enum kind kind, const char *body, size_t len, char *err, size_t errlen)
{
	int rc = -2;

	if (kind == K_IR_LIST) {
		struct arm_ir_list l;
		rc = arm_parse_ir_list(body, len, &l, err, errlen);
		arm_ir_list_free(&l);
	} else if (kind == K_TRIGGER_LIST) {
		struct arm_trigger_list l;
		rc = arm_parse_trigger_list(body, len, &l, err, errlen);
		arm_trigger_list_free(&l);
	} else if (kind == K_PIPELINE_LIST) {
		struct arm_pipeline_list l;
		rc = arm_parse_pipeline_list(body, len, &l, err, errlen);
		arm_pipeline_list_free(&l);
	} else if (kind == K_FOG_LIST) {
		struct arm_fog_list l;
		rc = arm_parse_fog_list(body, len, &l, err, errlen);
		arm_fog_list_free(&l);
	} else if (kind == K_MI_FOG_LIST) {
		struct arm_mi_fog_list l;
		rc = arm_parse_mi_fog_list(body, len, &l, err, errlen);
		arm_mi_fog_list_free(&l);
	}
	return rc;
}

static int parse_tokens(enum kind kind, const char *body, size_t len, char *err, size_t errlen)
{
	static const enum arm_token_source sources[] = {
		[K_TOKEN_SP] = ARM_TOKEN_CLIENT_CREDENTIALS,
		[K_TOKEN_IMDS] = ARM_TOKEN_IMDS,
		[K_TOKEN_CLI] = ARM_TOKEN_AZ_CLI,
	};
	struct arm_token *t = malloc(sizeof *t);
	int rc;

	assert_non_null(t);
	rc = arm_parse_token(sources[kind], body, len, NOW, t, err, errlen);
	arm_token_clear(t);
	free(t);
	return rc;
}

static int parse_singles(enum kind kind, const char *body, size_t len, char *err, size_t errlen)
{
	switch (kind) {
	case K_IR: {
		struct arm_ir v;
		return arm_parse_ir(body, len, &v, err, errlen);
	}
	case K_IR_STATUS: {
		struct arm_ir_status v;
		return arm_parse_ir_status(body, len, &v, err, errlen);
	}
	case K_TRIGGER: {
		struct arm_trigger v;
		int rc = arm_parse_trigger(body, len, &v, err, errlen);
		arm_trigger_free(&v);
		return rc;
	}
	case K_PIPELINE: {
		struct arm_pipeline v;
		int rc = arm_parse_pipeline(body, len, &v, err, errlen);
		arm_pipeline_free(&v);
		return rc;
	}
	case K_FOG: {
		struct arm_fog v;
		return arm_parse_fog(body, len, &v, err, errlen);
	}
	case K_MI_FOG: {
		struct arm_mi_fog v;
		return arm_parse_mi_fog(body, len, &v, err, errlen);
	}
	case K_ERROR: {
		struct arm_error v;
		return arm_parse_error(body, len, &v, err, errlen);
	}
	case K_ASYNC: {
		struct arm_async_op v;
		return arm_parse_async_op(body, len, &v, err, errlen);
	}
	case K_ENTRA_ERROR: {
		struct arm_entra_error v;
		return arm_parse_entra_error(body, len, &v, err, errlen);
	}
	default:
		return -2;
	}
}

static int parse_as(enum kind kind, const char *body, size_t len, char *err, size_t errlen)
{
	int rc;

	err[0] = '\0';
	if (kind == K_TOKEN_SP || kind == K_TOKEN_IMDS || kind == K_TOKEN_CLI)
		rc = parse_tokens(kind, body, len, err, errlen);
	else if (kind == K_IR_LIST || kind == K_TRIGGER_LIST || kind == K_PIPELINE_LIST ||
		 kind == K_FOG_LIST || kind == K_MI_FOG_LIST)
		rc = parse_lists(kind, body, len, err, errlen);
	else
		rc = parse_singles(kind, body, len, err, errlen);
	if (rc == -1 && err[0] == '\0')
		fail_msg("parser kind %d failed without a message", (int)kind);
	if (rc != 0 && rc != -1)
		fail_msg("parser kind %d returned %d", (int)kind, rc);
	return rc;
}

static void expect_failure(enum kind kind, const char *text, const char *needle)
{
	struct body b = body_of(text);
	char err[512];

	if (parse_as(kind, b.data, b.len, err, sizeof err) != -1)
		fail_msg("kind %d accepted a bad body", (int)kind);
	if (!contains(err, needle))
		fail_msg("message \"%s\" does not mention \"%s\"", err, needle);
	body_free(&b);
}

/* ---- the example table --------------------------------------------- */

struct example {
	const char *file;
	enum kind kind; /* K_NONE: no parser in this module */
};

static const struct example examples[] = {
	{"FailoverGroupFailover.json", K_FOG},
	{"FailoverGroupForceFailoverAllowDataLoss.json", K_FOG},
	{"FailoverGroupGet.json", K_FOG},
	{"FailoverGroupList.json", K_FOG_LIST},
	{"InstanceFailoverGroupFailover.json", K_MI_FOG},
	{"InstanceFailoverGroupForceFailoverAllowDataLoss.json", K_MI_FOG},
	{"InstanceFailoverGroupGet.json", K_MI_FOG},
	{"InstanceFailoverGroupList.json", K_MI_FOG_LIST},
	{"IntegrationRuntimes_Create.json", K_IR},
	{"IntegrationRuntimes_Get.json", K_IR},
	{"IntegrationRuntimes_GetStatus.json", K_IR_STATUS},
	{"IntegrationRuntimes_Get_IfNoneMatch.json", K_IR},
	{"IntegrationRuntimes_ListByFactory.json", K_IR_LIST},
	{"IntegrationRuntimes_Start.json", K_IR_STATUS},
	{"IntegrationRuntimes_Stop.json", K_IR_STATUS},
	{"PipelineRuns_QueryByFactory.json", K_NONE},
	{"Pipelines_Get.json", K_PIPELINE},
	{"Pipelines_ListByFactory.json", K_PIPELINE_LIST},
	{"Triggers_Get.json", K_TRIGGER},
	{"Triggers_ListByFactory.json", K_TRIGGER_LIST},
	{"Triggers_Start.json", K_TRIGGER},
	{"Triggers_Stop.json", K_TRIGGER},
};
#define N_EXAMPLES (sizeof examples / sizeof *examples)

static bool name_in_examples(const char *name)
{
	for (size_t i = 0; i < N_EXAMPLES; i++) {
		if (strcmp(examples[i].file, name) == 0)
			return true;
	}
	return false;
}

/* Calls fn for every responses.<code>.body of every example. */
typedef void (*body_fn)(const struct example *ex, const char *code, struct json_object *body,
			void *ctx);

static void for_each_example_body(body_fn fn, void *ctx)
{
	for (size_t i = 0; i < N_EXAMPLES; i++) {
		struct json_object *root = load_example(examples[i].file);
		struct json_object *responses;

		assert_true(json_object_object_get_ex(root, "responses", &responses));
		json_object_object_foreach(responses, code, response)
		{
			struct json_object *value;

			if (json_object_object_get_ex(response, "body", &value))
				fn(&examples[i], code, value, ctx);
		}
		json_object_put(root);
	}
}

static void test_examples_table_covers_directory(void **state)
{
	DIR *dir = opendir(EXAMPLES_DIR);
	struct dirent *entry;
	size_t seen = 0;

	assert_non_null(dir);
	while ((entry = readdir(dir)) != NULL) {
		if (!ends_with(entry->d_name, ".json"))
			continue;
		if (!name_in_examples(entry->d_name))
			fail_msg("%s is not in the examples table", entry->d_name);
		seen++;
	}
	closedir(dir);
	assert_int_equal(seen, N_EXAMPLES);
}

static void check_example_body(const struct example *ex, const char *code,
			       struct json_object *value, void *ctx)
{
	size_t *parsed = ctx;
	struct body b;
	char err[512];
	int rc;

	if (ex->kind == K_NONE)
		return;
	b = serialize(value);
	rc = parse_as(ex->kind, b.data, b.len, err, sizeof err);
	if (value == NULL && rc != -1)
		fail_msg("%s %s: a null body was accepted", ex->file, code);
	if (value != NULL && rc != 0)
		fail_msg("%s %s: %s", ex->file, code, err);
	(*parsed)++;
	body_free(&b);
}

static void test_every_example_body_parses(void **state)
{
	size_t parsed = 0;

	for_each_example_body(check_example_body, &parsed);
	assert_int_equal(parsed, 19);
}

/* ---- integration runtimes ------------------------------------------ */

static void test_ir_create_managed_ssis(void **state)
{
	struct body b = example_body("IntegrationRuntimes_Create.json", "200");
	struct arm_ir ir;
	char err[256];

	assert_int_equal(arm_parse_ir(b.data, b.len, &ir, err, sizeof err), 0);
	assert_string_equal(ir.name, "exampleIntegrationRuntime");
	assert_true(ends_with(ir.id, "/integrationruntimes/exampleIntegrationRuntime"));
	assert_string_equal(ir.etag, "0100333d-0000-0000-0000-5a1d0ab80000");
	assert_string_equal(ir.type, "Managed");
	assert_string_equal(ir.state, "Initial");
	assert_string_equal(ir.location, "West US");
	assert_string_equal(ir.node_size, "Standard_D1_v2");
	assert_int_equal(ir.number_of_nodes, 1);
	assert_string_equal(ir.catalog_server_endpoint, "yandongtestsvr.database.windows.net");
	assert_string_equal(ir.dual_standby_pair_name, "");
	assert_true(ir.is_ssis);
	assert_false(ir.has_vnet);
	body_free(&b);
}

static void test_ir_get_selfhosted(void **state)
{
	struct body b = example_body("IntegrationRuntimes_Get.json", "200");
	struct arm_ir ir;
	char err[256];

	assert_int_equal(arm_parse_ir(b.data, b.len, &ir, err, sizeof err), 0);
	assert_string_equal(ir.name, "myIntegrationRuntime");
	assert_string_equal(ir.type, "SelfHosted");
	assert_string_equal(ir.state, "");
	assert_string_equal(ir.etag, "15003c4f-0000-0200-0000-5cbe090b0000");
	assert_false(ir.is_ssis);
	assert_int_equal(ir.number_of_nodes, 0);
	body_free(&b);
}

static void test_ir_304_null_body_is_an_error(void **state)
{
	struct body b = example_body("IntegrationRuntimes_Get_IfNoneMatch.json", "304");
	struct arm_ir ir;
	char err[256];

	assert_int_equal(arm_parse_ir(b.data, b.len, &ir, err, sizeof err), -1);
	assert_true(contains(err, "got null"));
	body_free(&b);
}

static void test_ir_list(void **state)
{
	struct body b = example_body("IntegrationRuntimes_ListByFactory.json", "200");
	struct arm_ir_list list;
	char err[256];

	assert_int_equal(arm_parse_ir_list(b.data, b.len, &list, err, sizeof err), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].name, "myIntegrationRuntime");
	assert_string_equal(list.items[0].type, "SelfHosted");
	assert_string_equal(list.next_link, "");
	arm_ir_list_free(&list);
	assert_null(list.items);
	body_free(&b);
}

/* The Create example, edited through json-c: pair name, VNet, and a real
 * password that must not reach the struct. */
static struct body edited_ir_create(const char *vnet_key)
{
	struct json_object *root = load_example("IntegrationRuntimes_Create.json");
	struct json_object *resp, *ok, *body, *props, *tp, *ssis, *catalog, *pw, *compute;
	struct body b;

	assert_true(json_object_object_get_ex(root, "responses", &resp));
	assert_true(json_object_object_get_ex(resp, "200", &ok));
	assert_true(json_object_object_get_ex(ok, "body", &body));
	assert_true(json_object_object_get_ex(body, "properties", &props));
	assert_true(json_object_object_get_ex(props, "typeProperties", &tp));
	assert_true(json_object_object_get_ex(tp, "ssisProperties", &ssis));
	assert_true(json_object_object_get_ex(ssis, "catalogInfo", &catalog));
	assert_true(json_object_object_get_ex(catalog, "catalogAdminPassword", &pw));
	assert_true(json_object_object_get_ex(tp, "computeProperties", &compute));
	json_object_object_add(pw, "value", json_object_new_string("Sup3r-S3cret-Pa55"));
	json_object_object_add(catalog, "dualStandbyPairName", json_object_new_string("bcdr-pair"));
	if (strcmp(vnet_key, "vNetProperties") == 0) {
		struct json_object *vnet = json_object_new_object();
		json_object_object_add(vnet, "vNetId", json_object_new_string("/subscriptions/s/vnet1"));
		json_object_object_add(vnet, "subnet", json_object_new_string("default"));
		json_object_object_add(compute, "vNetProperties", vnet);
	} else {
		struct json_object *cvn = json_object_new_object();
		json_object_object_add(cvn, "subnetId", json_object_new_string("/subscriptions/s/sub"));
		json_object_object_add(tp, "customerVirtualNetwork", cvn);
	}
	b = serialize(body);
	json_object_put(root);
	return b;
}

static void test_ir_pair_vnet_and_no_secret(void **state)
{
	static const char *const vnet_keys[] = {"vNetProperties", "customerVirtualNetwork"};
	struct arm_ir ir;
	char err[256];

	for (size_t i = 0; i < 2; i++) {
		struct body b = edited_ir_create(vnet_keys[i]);

		assert_true(has_bytes(b.data, b.len, "Sup3r-S3cret-Pa55"));
		assert_int_equal(arm_parse_ir(b.data, b.len, &ir, err, sizeof err), 0);
		assert_string_equal(ir.dual_standby_pair_name, "bcdr-pair");
		assert_true(ir.has_vnet);
		assert_false(has_bytes(&ir, sizeof ir, "Sup3r"));
		assert_false(has_bytes(&ir, sizeof ir, "SecureString"));
		body_free(&b);
	}
}

/* ---- integration runtime status ------------------------------------ */

static void test_status_selfhosted_online(void **state)
{
	struct body b = example_body("IntegrationRuntimes_GetStatus.json", "200");
	struct arm_ir_status st;
	char err[256];

	assert_int_equal(arm_parse_ir_status(b.data, b.len, &st, err, sizeof err), 0);
	assert_string_equal(st.name, "myIntegrationRuntime");
	assert_string_equal(st.type, "SelfHosted");
	assert_string_equal(st.state, "Online");
	assert_int_equal(st.node_count, 1);
	assert_int_equal(st.nodes_available, 0);
	assert_false(st.has_last_operation);
	assert_string_equal(st.first_error, "");
	body_free(&b);
}

static void test_status_managed_started(void **state)
{
	struct body b = example_body("IntegrationRuntimes_Start.json", "200");
	struct arm_ir_status st;
	char err[256];

	assert_int_equal(arm_parse_ir_status(b.data, b.len, &st, err, sizeof err), 0);
	assert_string_equal(st.name, "myManagedIntegrationRuntime");
	assert_string_equal(st.type, "Managed");
	assert_string_equal(st.state, "Started");
	assert_string_equal(st.data_factory_name, "myFactoryName");
	assert_int_equal(st.node_count, 0);
	body_free(&b);
}

static const char managed_status[] =
	"{\"name\":\"ssis-ir-east\",\"properties\":{\"type\":\"Managed\","
	"\"dataFactoryName\":\"adf-east\",\"state\":\"Starting\",\"typeProperties\":{"
	"\"createTime\":\"2024-01-01T00:00:00Z\","
	"\"nodes\":[{\"nodeId\":\"n1\",\"status\":\"Available\",\"errors\":[]},"
	"{\"nodeId\":\"n2\",\"status\":\"Starting\"},{\"nodeId\":\"n3\",\"status\":\"Available\"}],"
	"\"otherErrors\":[{\"time\":\"2024-01-01T00:01:00Z\",\"code\":\"VNetError\","
	"\"parameters\":[],\"message\":\"The subnet has no free addresses.\"}],"
	"\"lastOperation\":{\"type\":\"start\",\"startTime\":\"2024-01-01T00:00:05Z\","
	"\"result\":\"Failed\",\"errorCode\":\"SubnetFull\",\"parameters\":[],"
	"\"activityId\":\"a1\"}}}}";

static void test_status_managed_nodes_and_last_operation(void **state)
{
	struct body b = body_of(managed_status);
	struct arm_ir_status st;
	char err[256];

	assert_int_equal(arm_parse_ir_status(b.data, b.len, &st, err, sizeof err), 0);
	assert_string_equal(st.state, "Starting");
	assert_string_equal(st.data_factory_name, "adf-east");
	assert_int_equal(st.node_count, 3);
	assert_int_equal(st.nodes_available, 2);
	assert_true(st.has_last_operation);
	assert_string_equal(st.last_operation.type, "start");
	assert_string_equal(st.last_operation.start_time, "2024-01-01T00:00:05Z");
	assert_string_equal(st.last_operation.result, "Failed");
	assert_string_equal(st.last_operation.error_code, "SubnetFull");
	assert_string_equal(st.first_error, "The subnet has no free addresses.");
	body_free(&b);
}

static void test_status_state_falls_back_to_type_properties(void **state)
{
	struct body b = body_of("{\"name\":\"ir\",\"properties\":{\"type\":\"Managed\","
				"\"typeProperties\":{\"state\":\"Stopping\",\"nodes\":[]}}}");
	struct arm_ir_status st;
	char err[256];

	assert_int_equal(arm_parse_ir_status(b.data, b.len, &st, err, sizeof err), 0);
	assert_string_equal(st.state, "Stopping");
	body_free(&b);
	expect_failure(K_IR_STATUS, "{\"properties\":{\"typeProperties\":{\"state\":7}}}",
		       "properties.typeProperties.state: expected a string, got number");
	expect_failure(K_IR_STATUS, "{\"properties\":{\"state\":null,\"typeProperties\":{}}}",
		       "properties.state: expected a string, got null");
}

/* ---- triggers ------------------------------------------------------- */

static void test_trigger_list_example(void **state)
{
	struct body b = example_body("Triggers_ListByFactory.json", "200");
	struct arm_trigger_list list;
	char err[256];

	assert_int_equal(arm_parse_trigger_list(b.data, b.len, &list, err, sizeof err), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].name, "exampleTrigger");
	assert_string_equal(list.items[0].type, "ScheduleTrigger");
	assert_string_equal(list.items[0].runtime_state, "Started");
	assert_int_equal(list.items[0].pipeline_count, 1);
	assert_string_equal(list.items[0].pipelines[0].name, "examplePipeline");
	assert_string_equal(list.next_link, "");
	arm_trigger_list_free(&list);
	body_free(&b);
}

static void test_trigger_get_example(void **state)
{
	struct body b = example_body("Triggers_Get.json", "200");
	struct arm_trigger t;
	char err[256];

	assert_int_equal(arm_parse_trigger(b.data, b.len, &t, err, sizeof err), 0);
	assert_string_equal(t.name, "myTrigger");
	assert_string_equal(t.runtime_state, "Stopped");
	assert_string_equal(t.etag, "1500544f-0000-0200-0000-5cbe09100000");
	assert_int_equal(t.pipeline_count, 1);
	assert_string_equal(t.pipelines[0].name, "myPipeline");
	arm_trigger_free(&t);
	assert_null(t.pipelines);
	body_free(&b);
}

static const char trigger_page[] =
	"{\"value\":["
	"{\"name\":\"tw\",\"properties\":{\"type\":\"TumblingWindowTrigger\","
	"\"runtimeState\":\"Disabled\",\"pipeline\":{\"pipelineReference\":"
	"{\"referenceName\":\"nightly-ssis\",\"type\":\"PipelineReference\"}},"
	"\"typeProperties\":{\"frequency\":\"Hour\",\"interval\":1}}},"
	"{\"name\":\"multi\",\"properties\":{\"type\":\"BlobEventsTrigger\","
	"\"runtimeState\":\"Paused-by-someone\",\"pipelines\":["
	"{\"pipelineReference\":{\"referenceName\":\"p1\"}},"
	"{\"pipelineReference\":{\"referenceName\":\"p2\"}},"
	"{\"pipelineReference\":{}},\"junk\"]}},"
	"{\"name\":\"bare\",\"properties\":{}}],"
	"\"nextLink\":\"https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
	"Microsoft.DataFactory/factories/f/triggers?api-version=2018-06-01&%24skipToken=abc\"}";

static void test_trigger_shapes_and_next_link(void **state)
{
	struct body b = body_of(trigger_page);
	struct arm_trigger_list list;
	char err[256];

	assert_int_equal(arm_parse_trigger_list(b.data, b.len, &list, err, sizeof err), 0);
	assert_int_equal(list.count, 3);
	assert_string_equal(list.items[0].runtime_state, "Disabled");
	assert_int_equal(list.items[0].pipeline_count, 1);
	assert_string_equal(list.items[0].pipelines[0].name, "nightly-ssis");
	assert_string_equal(list.items[1].runtime_state, "Paused-by-someone");
	assert_int_equal(list.items[1].pipeline_count, 2);
	assert_string_equal(list.items[1].pipelines[1].name, "p2");
	assert_int_equal(list.items[2].pipeline_count, 0);
	assert_string_equal(list.items[2].runtime_state, "");
	assert_true(ends_with(list.next_link, "&%24skipToken=abc"));
	arm_trigger_list_free(&list);
	body_free(&b);
}

/* ---- pipelines ------------------------------------------------------ */

static void test_pipeline_examples_are_not_ssis(void **state)
{
	struct body b = example_body("Pipelines_Get.json", "200");
	struct body l = example_body("Pipelines_ListByFactory.json", "200");
	struct arm_pipeline p;
	struct arm_pipeline_list list;
	char err[256];

	assert_int_equal(arm_parse_pipeline(b.data, b.len, &p, err, sizeof err), 0);
	assert_string_equal(p.name, "examplePipeline");
	assert_string_equal(p.etag, "1500504f-0000-0200-0000-5cbe090f0000");
	assert_false(arm_pipeline_is_ssis(&p));
	arm_pipeline_free(&p);
	assert_int_equal(arm_parse_pipeline_list(l.data, l.len, &list, err, sizeof err), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].name, "myPipeline");
	assert_false(arm_pipeline_is_ssis(&list.items[0]));
	arm_pipeline_list_free(&list);
	body_free(&b);
	body_free(&l);
}

/* ForEach > IfCondition (true and false branches), Switch (case and
 * default), Until, plus one at the top level. */
static const char ssis_pipeline[] =
	"{\"name\":\"ssis-nightly\",\"id\":\"/subscriptions/s/resourceGroups/rg/providers/"
	"Microsoft.DataFactory/factories/adf-east/pipelines/ssis-nightly\",\"properties\":{"
	"\"activities\":["
	" {\"name\":\"ForEachRegion\",\"type\":\"ForEach\",\"typeProperties\":{"
	"  \"items\":{\"value\":\"@pipeline().parameters.regions\",\"type\":\"Expression\"},"
	"  \"activities\":["
	"   {\"name\":\"IfPrimary\",\"type\":\"IfCondition\",\"typeProperties\":{"
	"    \"expression\":{\"value\":\"@equals(item(),'east')\",\"type\":\"Expression\"},"
	"    \"ifTrueActivities\":["
	"     {\"name\":\"RunLoad\",\"type\":\"ExecuteSSISPackage\",\"typeProperties\":{"
	"      \"packageLocation\":{\"packagePath\":\"ETL/Warehouse/Load.dtsx\",\"type\":\"SSISDB\"},"
	"      \"runtime\":\"x64\",\"loggingLevel\":\"Basic\","
	"      \"executionCredential\":{\"domain\":\"d\",\"userName\":\"u\","
	"       \"password\":{\"type\":\"SecureString\",\"value\":\"hidden\"}},"
	"      \"connectVia\":{\"referenceName\":\"ssis-ir-east\","
	"       \"type\":\"IntegrationRuntimeReference\"}}}],"
	"    \"ifFalseActivities\":["
	"     {\"name\":\"RunLoadWest\",\"type\":\"ExecuteSSISPackage\",\"typeProperties\":{"
	"      \"packageLocation\":{\"packagePath\":{\"value\":\"@concat('ETL/',item())\","
	"       \"type\":\"Expression\"}},"
	"      \"connectVia\":{\"referenceName\":\"ssis-ir-west\","
	"       \"type\":\"IntegrationRuntimeReference\"}}}]}}]}},"
	" {\"name\":\"Route\",\"type\":\"Switch\",\"typeProperties\":{"
	"  \"on\":{\"value\":\"@pipeline().parameters.mode\",\"type\":\"Expression\"},"
	"  \"cases\":[{\"value\":\"full\",\"activities\":["
	"   {\"name\":\"RunFull\",\"type\":\"ExecuteSSISPackage\",\"typeProperties\":{"
	"    \"packageLocation\":{\"packagePath\":\"ETL/Warehouse/Full.dtsx\"},"
	"    \"connectVia\":{\"referenceName\":\"ssis-ir-east\"}}}]}],"
	"  \"defaultActivities\":[{\"name\":\"Wait1\",\"type\":\"Wait\","
	"   \"typeProperties\":{\"waitTimeInSeconds\":1}}]}},"
	" {\"name\":\"Retry\",\"type\":\"Until\",\"typeProperties\":{\"activities\":["
	"   {\"name\":\"RunCheck\",\"type\":\"ExecuteSSISPackage\",\"typeProperties\":{"
	"    \"connectVia\":{\"referenceName\":\"ssis-ir-east\"}}}]}},"
	" {\"name\":\"RunTop\",\"type\":\"ExecuteSSISPackage\",\"typeProperties\":{"
	"   \"packageLocation\":{\"packagePath\":\"Ops/Top.dtsx\"},"
	"   \"connectVia\":{\"referenceName\":\"ssis-ir-east\"}}}"
	"]}}";

static void test_pipeline_nested_ssis_activities(void **state)
{
	struct body b = body_of(ssis_pipeline);
	struct arm_pipeline p;
	char err[256];

	assert_int_equal(arm_parse_pipeline(b.data, b.len, &p, err, sizeof err), 0);
	assert_string_equal(p.name, "ssis-nightly");
	assert_true(arm_pipeline_is_ssis(&p));
	assert_int_equal(p.ssis_activity_count, 5);
	assert_string_equal(p.ssis_activities[0].name, "RunLoad");
	assert_string_equal(p.ssis_activities[0].ir_name, "ssis-ir-east");
	assert_string_equal(p.ssis_activities[0].package_path, "ETL/Warehouse/Load.dtsx");
	assert_string_equal(p.ssis_activities[1].name, "RunLoadWest");
	assert_string_equal(p.ssis_activities[1].ir_name, "ssis-ir-west");
	assert_string_equal(p.ssis_activities[1].package_path, "@concat('ETL/',item())");
	assert_string_equal(p.ssis_activities[2].name, "RunFull");
	assert_string_equal(p.ssis_activities[3].name, "RunCheck");
	assert_string_equal(p.ssis_activities[3].package_path, "");
	assert_string_equal(p.ssis_activities[4].name, "RunTop");
	assert_false(has_bytes(p.ssis_activities, p.ssis_activity_count * sizeof *p.ssis_activities,
			       "hidden"));
	arm_pipeline_free(&p);
	body_free(&b);
}

/* ---- SQL failover groups -------------------------------------------- */

static void test_fog_get(void **state)
{
	struct body b = example_body("FailoverGroupGet.json", "200");
	struct arm_fog fog;
	char err[256];

	assert_int_equal(arm_parse_fog(b.data, b.len, &fog, err, sizeof err), 0);
	assert_string_equal(fog.name, "failovergrouptest3");
	assert_true(ends_with(fog.id, "/servers/failovergroupprimaryserver/failoverGroups/"
				      "failovergrouptest3"));
	assert_string_equal(fog.location, "Japan West");
	assert_string_equal(fog.replication_role, "Primary");
	assert_string_equal(fog.replication_state, "CATCH_UP");
	assert_string_equal(fog.failover_policy, "Automatic");
	assert_int_equal(fog.grace_minutes, 120);
	assert_int_equal(fog.partner_count, 1);
	assert_true(ends_with(fog.partners[0].id, "/servers/failovergroupsecondaryserver"));
	assert_string_equal(fog.partners[0].location, "Japan East");
	assert_string_equal(fog.partners[0].replication_role, "Secondary");
	assert_int_equal(fog.database_count, 2);
	body_free(&b);
}

static void test_fog_failover_results(void **state)
{
	static const char *const files[] = {"FailoverGroupFailover.json",
					    "FailoverGroupForceFailoverAllowDataLoss.json"};
	struct arm_fog fog;
	char err[256];

	for (size_t i = 0; i < 2; i++) {
		struct body b = example_body(files[i], "200");

		assert_int_equal(arm_parse_fog(b.data, b.len, &fog, err, sizeof err), 0);
		assert_string_equal(fog.name, "failover-group-test-3");
		assert_true(contains(fog.id, "/servers/failover-group-secondary-server/"));
		assert_string_equal(fog.replication_role, "Primary");
		assert_true(ends_with(fog.partners[0].id, "failover-group-primary-server"));
		assert_string_equal(fog.partners[0].replication_role, "Secondary");
		body_free(&b);
	}
}

static void test_fog_list(void **state)
{
	struct body b = example_body("FailoverGroupList.json", "200");
	struct arm_fog_list list;
	char err[256];

	assert_int_equal(arm_parse_fog_list(b.data, b.len, &list, err, sizeof err), 0);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.items[0].name, "failover-group-test");
	assert_string_equal(list.items[1].name, "failover-group-test-2");
	assert_int_equal(list.items[1].grace_minutes, 480);
	assert_int_equal(list.items[1].database_count, 0);
	assert_string_equal(list.items[1].partners[0].location, "Japan West");
	assert_string_equal(list.next_link, "");
	arm_fog_list_free(&list);
	body_free(&b);
}

static void test_fog_manual_policy_has_no_grace(void **state)
{
	struct body b = body_of("{\"name\":\"fg\",\"properties\":{\"readWriteEndpoint\":"
				"{\"failoverPolicy\":\"Manual\"},\"replicationRole\":\"Secondary\","
				"\"replicationState\":\"SEEDING\",\"partnerServers\":[1,null,"
				"{\"id\":\"/s/p\",\"location\":\"x\",\"replicationRole\":\"Primary\"}]}}");
	struct arm_fog fog;
	char err[256];

	assert_int_equal(arm_parse_fog(b.data, b.len, &fog, err, sizeof err), 0);
	assert_string_equal(fog.failover_policy, "Manual");
	assert_int_equal(fog.grace_minutes, -1);
	assert_string_equal(fog.replication_state, "SEEDING");
	assert_int_equal(fog.partner_count, 1);
	assert_string_equal(fog.partners[0].replication_role, "Primary");
	assert_int_equal(fog.database_count, 0);
	body_free(&b);
}

static void test_mi_fog_get_and_list(void **state)
{
	struct body b = example_body("InstanceFailoverGroupGet.json", "200");
	struct body l = example_body("InstanceFailoverGroupList.json", "200");
	struct arm_mi_fog fog;
	struct arm_mi_fog_list list;
	char err[256];

	assert_int_equal(arm_parse_mi_fog(b.data, b.len, &fog, err, sizeof err), 0);
	assert_string_equal(fog.name, "failover-group-test-3");
	assert_string_equal(fog.replication_role, "Primary");
	assert_string_equal(fog.replication_state, "CATCH_UP");
	assert_string_equal(fog.failover_policy, "Automatic");
	assert_int_equal(fog.grace_minutes, 480);
	assert_int_equal(fog.partner_region_count, 1);
	assert_string_equal(fog.partner_regions[0].location, "Japan West");
	assert_string_equal(fog.partner_regions[0].replication_role, "Secondary");
	assert_true(ends_with(fog.primary_mi_id, "/managedInstances/failover-group-primary-mngdInstance"));
	assert_true(ends_with(fog.partner_mi_id, "failover-group-secondary-mngdInstance"));
	assert_int_equal(arm_parse_mi_fog_list(l.data, l.len, &list, err, sizeof err), 0);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.items[1].name, "failover-group-test-1");
	assert_true(ends_with(list.items[1].primary_mi_id, "failover-group-primary-mngdInstance-1"));
	arm_mi_fog_list_free(&list);
	body_free(&b);
	body_free(&l);
}

static void test_mi_fog_failover_results(void **state)
{
	static const char *const files[] = {"InstanceFailoverGroupFailover.json",
					    "InstanceFailoverGroupForceFailoverAllowDataLoss.json"};
	struct arm_mi_fog fog;
	char err[256];

	for (size_t i = 0; i < 2; i++) {
		struct body b = example_body(files[i], "200");

		assert_int_equal(arm_parse_mi_fog(b.data, b.len, &fog, err, sizeof err), 0);
		assert_string_equal(fog.replication_role, "Primary");
		assert_true(contains(fog.id, "/locations/JapanWest/"));
		assert_true(ends_with(fog.primary_mi_id, "failover-group-secondary-mngdInstance"));
		assert_true(ends_with(fog.partner_mi_id, "failover-group-primary-mngdInstance"));
		assert_string_equal(fog.partner_regions[0].location, "Japan East");
		body_free(&b);
	}
}

/* ---- errors and async operations ------------------------------------ */

static void test_arm_error_bodies(void **state)
{
	struct body nested = body_of(
		"{\"error\":{\"code\":\"FailoverGroupBusy\",\"message\":\"The failover group is busy.\","
		"\"target\":\"failoverGroups/fg1\",\"details\":[{\"code\":\"ConflictingServerOperation\","
		"\"message\":\"An operation is in progress.\"}],\"additionalInfo\":[]}}");
	struct body old = body_of("{\"code\":\"ResourceNotFound\",\"message\":\"Not found.\"}");
	struct arm_error e;
	char err[256];

	assert_int_equal(arm_parse_error(nested.data, nested.len, &e, err, sizeof err), 0);
	assert_string_equal(e.code, "FailoverGroupBusy");
	assert_string_equal(e.message, "The failover group is busy.");
	assert_string_equal(e.target, "failoverGroups/fg1");
	assert_string_equal(e.detail_code, "ConflictingServerOperation");
	assert_string_equal(e.detail_message, "An operation is in progress.");
	assert_int_equal(arm_parse_error(old.data, old.len, &e, err, sizeof err), 0);
	assert_string_equal(e.code, "ResourceNotFound");
	assert_string_equal(e.message, "Not found.");
	body_free(&nested);
	body_free(&old);
}

static void test_arm_error_from_http(void **state)
{
	struct body html = read_file(MALFORMED_DIR, "html_502.json");
	struct body arm = body_of("{\"error\":{\"code\":\"SubscriptionTooManyRequests\","
				  "\"message\":\"Slow down.\"}}");
	struct body entra = body_of("{\"error\":\"invalid_client\",\"error_description\":"
				    "\"AADSTS7000215: Invalid client secret provided.\"}");
	struct body binary = body_copy("\x1b[2J\x07\xff\xfe", 7);
	struct arm_error e;

	arm_error_from_http(502, html.data, html.len, &e);
	assert_string_equal(e.code, "");
	assert_true(contains(e.message, "HTTP 502 with a body that is not an ARM error"));
	assert_true(contains(e.message, "(first 80 bytes: <html>  <head><title>502 Bad Gateway"));
	arm_error_from_http(503, NULL, 0, &e);
	assert_string_equal(e.message, "HTTP 503 with an empty body");
	arm_error_from_http(429, arm.data, arm.len, &e);
	assert_string_equal(e.code, "SubscriptionTooManyRequests");
	assert_string_equal(e.message, "Slow down.");
	arm_error_from_http(401, entra.data, entra.len, &e);
	assert_string_equal(e.code, "invalid_client");
	assert_true(contains(e.message, "AADSTS7000215"));
	arm_error_from_http(500, binary.data, binary.len, &e);
	assert_string_equal(e.message, "HTTP 500 with a body that is not an ARM error: ?[2J???");
	arm_error_from_http(500, html.data, html.len, NULL);
	body_free(&html);
	body_free(&arm);
	body_free(&entra);
	body_free(&binary);
}

static void test_async_operation(void **state)
{
	struct body failed = body_of(
		"{\"id\":\"/op/1\",\"name\":\"1\",\"status\":\"Failed\",\"startTime\":\"t\","
		"\"error\":{\"code\":\"PlannedFailoverTimedOut\",\"message\":\"Timed out.\"}}");
	struct body running = body_of("{\"status\":\"InProgress\",\"percentComplete\":40}");
	struct arm_async_op op;
	char err[256];

	assert_int_equal(arm_parse_async_op(failed.data, failed.len, &op, err, sizeof err), 0);
	assert_string_equal(op.status, "Failed");
	assert_string_equal(op.error_code, "PlannedFailoverTimedOut");
	assert_string_equal(op.error_message, "Timed out.");
	assert_true(arm_async_status_is_terminal(op.status));
	assert_false(arm_async_status_succeeded(op.status));
	assert_int_equal(arm_parse_async_op(running.data, running.len, &op, err, sizeof err), 0);
	assert_string_equal(op.status, "InProgress");
	assert_string_equal(op.error_code, "");
	assert_false(arm_async_status_is_terminal(op.status));
	assert_false(arm_async_status_is_terminal("Running"));
	assert_false(arm_async_status_is_terminal("Accepted"));
	assert_false(arm_async_status_is_terminal(""));
	assert_false(arm_async_status_is_terminal(NULL));
	assert_false(arm_async_status_is_terminal("Succeeded2"));
	assert_true(arm_async_status_is_terminal("Canceled"));
	assert_true(arm_async_status_is_terminal("Cancelled"));
	assert_true(arm_async_status_is_terminal("succeeded"));
	assert_true(arm_async_status_succeeded("SUCCEEDED"));
	body_free(&failed);
	body_free(&running);
}

/* ---- tokens ---------------------------------------------------------- */

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		if (c[i])
			return false;
	}
	return true;
}

static int parse_token_text(enum arm_token_source source, const char *text, struct arm_token *t,
			    char *err, size_t errlen)
{
	struct body b = body_of(text);
	int rc = arm_parse_token(source, b.data, b.len, NOW, t, err, errlen);

	body_free(&b);
	return rc;
}

static void test_token_client_credentials(void **state)
{
	struct arm_token *t = malloc(sizeof *t);
	char err[256];

	assert_non_null(t);
	assert_int_equal(parse_token_text(ARM_TOKEN_CLIENT_CREDENTIALS,
					  "{\"token_type\":\"Bearer\",\"expires_in\":3599,"
					  "\"ext_expires_in\":3599,\"access_token\":\"eyJ0eXAi.sp.sig\"}",
					  t, err, sizeof err),
			 0);
	assert_string_equal(t->access_token, "eyJ0eXAi.sp.sig");
	assert_string_equal(t->token_type, "Bearer");
	assert_int_equal(t->expires_at, NOW + 3599);
	arm_token_clear(t);
	assert_true(all_zero(t, sizeof *t));
	free(t);
}

static void test_token_imds_string_numbers(void **state)
{
	struct arm_token *t = malloc(sizeof *t);
	struct body late;
	char err[256];

	assert_non_null(t);
	assert_int_equal(parse_token_text(ARM_TOKEN_IMDS,
					  "{\"access_token\":\"eyJ0eXAi.imds.sig\",\"refresh_token\":\"\","
					  "\"expires_in\":\"3599\",\"expires_on\":\"1506484173\","
					  "\"not_before\":\"1506480273\",\"resource\":"
					  "\"https://management.azure.com/\",\"token_type\":\"Bearer\"}",
					  t, err, sizeof err),
			 0);
	assert_string_equal(t->access_token, "eyJ0eXAi.imds.sig");
	assert_int_equal(t->expires_at, NOW + 3599);
	assert_int_equal(parse_token_text(ARM_TOKEN_IMDS,
					  "{\"access_token\":\"x\",\"expires_on\":\"1506484173\"}", t,
					  err, sizeof err),
			 0);
	assert_int_equal(t->expires_at, 1506484173);
	assert_string_equal(t->token_type, "Bearer");
	assert_int_equal(parse_token_text(ARM_TOKEN_IMDS,
					  "{\"access_token\":\"x\",\"expires_in\":\"-5\"}", t, err,
					  sizeof err),
			 -1);
	assert_true(contains(err, "expires_in"));
	assert_true(all_zero(t, sizeof *t));
	late = body_of("{\"access_token\":\"x\",\"expires_in\":60}");
	assert_int_equal(arm_parse_token(ARM_TOKEN_IMDS, late.data, late.len,
					 (time_t)253402300790LL, t, err, sizeof err),
			 -1);
	assert_true(contains(err, "too late"));
	body_free(&late);
	arm_token_clear(t);
	free(t);
}

static void test_token_azure_cli(void **state)
{
	struct arm_token *t = malloc(sizeof *t);
	struct tm local = {.tm_year = 124, .tm_mon = 0, .tm_mday = 1, .tm_hour = 10, .tm_isdst = -1};
	char err[256];

	assert_non_null(t);
	assert_int_equal(parse_token_text(ARM_TOKEN_AZ_CLI,
					  "{\"accessToken\":\"eyJ0eXAi.cli.sig\",\"expiresOn\":"
					  "\"2024-01-01 10:00:00.000000\",\"expires_on\":1704103200,"
					  "\"subscription\":\"s\",\"tenant\":\"t\",\"tokenType\":\"Bearer\"}",
					  t, err, sizeof err),
			 0);
	assert_string_equal(t->access_token, "eyJ0eXAi.cli.sig");
	assert_int_equal(t->expires_at, 1704103200);
	assert_int_equal(parse_token_text(ARM_TOKEN_AZ_CLI,
					  "{\"accessToken\":\"eyJ0eXAi.old.sig\",\"expiresOn\":"
					  "\"2024-01-01 10:00:00.000000\",\"tokenType\":\"Bearer\"}",
					  t, err, sizeof err),
			 0);
	assert_int_equal(t->expires_at, mktime(&local));
	assert_int_equal(parse_token_text(ARM_TOKEN_AZ_CLI,
					  "{\"accessToken\":\"a\",\"expiresOn\":\"tomorrow\"}", t, err,
					  sizeof err),
			 -1);
	assert_true(contains(err, "expiresOn"));
	assert_int_equal(parse_token_text(ARM_TOKEN_AZ_CLI,
					  "{\"access_token\":\"a\",\"expires_in\":1}", t, err,
					  sizeof err),
			 -1);
	assert_string_equal(err, "accessToken: missing");
	arm_token_clear(t);
	free(t);
}

static const char entra_error[] =
	"{\"error\":\"invalid_scope\",\"error_description\":\"AADSTS70011: The provided value for "
	"the input parameter 'scope' is not valid.\",\"error_codes\":[70011],"
	"\"timestamp\":\"2016-01-09 02:02:12Z\",\"trace_id\":\"255d1aef\","
	"\"correlation_id\":\"fb3d2015\"}";

static void test_entra_error_body(void **state)
{
	struct body b = body_of(entra_error);
	struct arm_entra_error e;
	struct arm_token *t = malloc(sizeof *t);
	char err[512];

	assert_non_null(t);
	assert_int_equal(arm_parse_entra_error(b.data, b.len, &e, err, sizeof err), 0);
	assert_string_equal(e.error, "invalid_scope");
	assert_true(contains(e.description, "AADSTS70011"));
	assert_int_equal(e.first_code, 70011);
	assert_int_equal(arm_parse_token(ARM_TOKEN_CLIENT_CREDENTIALS, b.data, b.len, NOW, t, err,
					 sizeof err),
			 -1);
	assert_true(contains(err, "Entra ID refused the token request: invalid_scope: AADSTS70011"));
	assert_true(all_zero(t, sizeof *t));
	free(t);
	body_free(&b);
}

/* A token is kept whole or refused: 16383 bytes fit, 16384 and 1 MiB do not. */
static void test_token_size_limits(void **state)
{
	static const size_t sizes[] = {ARM_TOKEN_MAX - 1, ARM_TOKEN_MAX, MIB};
	struct arm_token *t = malloc(sizeof *t);
	char *text = malloc(MIB + 64);
	char err[256];

	assert_non_null(t);
	assert_non_null(text);
	for (size_t i = 0; i < 3; i++) {
		struct body b;
		int n = snprintf(text, 64, "{\"expires_in\":60,\"access_token\":\"");

		memset(text + n, 'A', sizes[i]);
		memcpy(text + n + sizes[i], "\"}", 2);
		b = body_copy(text, (size_t)n + sizes[i] + 2);
		if (i == 0) {
			assert_int_equal(arm_parse_token(ARM_TOKEN_IMDS, b.data, b.len, NOW, t, err,
							 sizeof err),
					 0);
			assert_int_equal(strlen(t->access_token), ARM_TOKEN_MAX - 1);
		} else {
			assert_int_equal(arm_parse_token(ARM_TOKEN_IMDS, b.data, b.len, NOW, t, err,
							 sizeof err),
					 -1);
			assert_true(contains(err, "access_token"));
			assert_true(all_zero(t, sizeof *t));
		}
		body_free(&b);
	}
	arm_token_clear(t);
	free(t);
	free(text);
}

/* ---- malformed bodies -------------------------------------------------- */

struct malformed {
	const char *file;
	enum kind kind;
	const char *needle; /* must appear in the message */
};

static const struct malformed malformed[] = {
	{"array_root.json", K_IR, "expected a JSON object at the top level, got array"},
	{"async_status_missing.json", K_ASYNC, "status: missing"},
	{"deep_nesting.json", K_PIPELINE, "nested deeper than"},
	{"empty.json", K_IR, "empty response body"},
	{"error_code_number.json", K_ERROR, "error.code: expected a string, got number"},
	{"error_not_arm.json", K_ERROR, "not an ARM error body"},
	{"fog_role_missing.json", K_FOG, "properties.replicationRole: missing"},
	{"fog_role_null.json", K_FOG, "properties.replicationRole: expected a string, got null"},
	{"html_502.json", K_FOG_LIST, "invalid JSON at byte 0"},
	{"invalid_utf8.json", K_FOG, "invalid UTF-8 at byte"},
	{"ir_missing_properties.json", K_IR, "properties: missing"},
	{"ir_name_number.json", K_IR, "name: expected a string, got number"},
	{"ir_properties_array.json", K_IR, "properties: expected an object, got array"},
	{"ir_truncated.json", K_IR, "truncated JSON"},
	{"mi_fog_role_object.json", K_MI_FOG, "properties.replicationRole: expected a string, got object"},
	{"nul_in_string.json", K_FOG, "invalid JSON"},
	{"null.json", K_IR_STATUS, "got null"},
	{"number_root.json", K_TRIGGER, "got number"},
	{"pipeline_list_item_no_name.json", K_PIPELINE_LIST, "value[1].name: missing"},
	{"status_nodes_object.json", K_IR_STATUS,
	 "properties.typeProperties.nodes: expected an array, got object"},
	{"status_state_missing.json", K_IR_STATUS, "properties.state: missing"},
	{"status_state_number.json", K_IR_STATUS, "properties.state: expected a string, got number"},
	{"status_truncated_in_string.json", K_IR_STATUS, "truncated JSON"},
	{"token_access_token_number.json", K_TOKEN_SP, "access_token: expected a string, got number"},
	{"token_expires_in_garbage.json", K_TOKEN_SP, "expires_in: \"soon\" is not a whole number"},
	{"token_missing.json", K_TOKEN_IMDS, "access_token: missing"},
	{"token_no_expiry.json", K_TOKEN_SP, "no expires_in, expires_on or expiresOn"},
	{"trailing_comma.json", K_IR, "invalid JSON"},
	{"trailing_garbage.json", K_FOG, "unexpected data after the JSON value"},
	{"trigger_list_item_string.json", K_TRIGGER_LIST, "value[0]: expected an object, got string"},
	{"trigger_list_nextlink_number.json", K_TRIGGER_LIST, "nextLink: expected a string, got number"},
	{"trigger_list_value_missing.json", K_TRIGGER_LIST, "value: missing"},
	{"trigger_list_value_object.json", K_TRIGGER_LIST, "value: expected an array, got object"},
	{"two_objects.json", K_FOG, "unexpected data after the JSON value"},
	{"whitespace_only.json", K_MI_FOG_LIST, "empty response body"},
};
#define N_MALFORMED (sizeof malformed / sizeof *malformed)

static void test_malformed_fixtures_fail_with_a_message(void **state)
{
	for (size_t i = 0; i < N_MALFORMED; i++) {
		struct body b = read_file(MALFORMED_DIR, malformed[i].file);
		char err[512];

		if (parse_as(malformed[i].kind, b.data, b.len, err, sizeof err) != -1)
			fail_msg("%s was accepted", malformed[i].file);
		if (!contains(err, malformed[i].needle))
			fail_msg("%s: message \"%s\" lacks \"%s\"", malformed[i].file, err,
				 malformed[i].needle);
		body_free(&b);
	}
}

static void test_malformed_table_covers_directory(void **state)
{
	DIR *dir = opendir(MALFORMED_DIR);
	struct dirent *entry;
	size_t seen = 0;

	assert_non_null(dir);
	while ((entry = readdir(dir)) != NULL) {
		bool listed = false;

		if (!ends_with(entry->d_name, ".json"))
			continue;
		for (size_t i = 0; i < N_MALFORMED; i++)
			listed = listed || strcmp(malformed[i].file, entry->d_name) == 0;
		if (!listed)
			fail_msg("%s is not in the malformed table", entry->d_name);
		seen++;
	}
	closedir(dir);
	assert_int_equal(seen, N_MALFORMED);
	assert_true(seen >= 12);
}

/* Every malformed file through every parser: -1 or 0, never a crash. */
static void test_malformed_fixtures_through_every_parser(void **state)
{
	for (size_t i = 0; i < N_MALFORMED; i++) {
		struct body b = read_file(MALFORMED_DIR, malformed[i].file);
		char err[512];

		for (int k = K_IR; k < K_COUNT; k++)
			parse_as((enum kind)k, b.data, b.len, err, sizeof err);
		body_free(&b);
	}
}

static char *nested_text(size_t depth, char open, char close, size_t *len)
{
	static const char head[] = "{\"name\":\"d\",\"properties\":{\"x\":";
	size_t n = sizeof head - 1;
	char *text = malloc(n + 2 * depth + 2);

	assert_non_null(text);
	memcpy(text, head, n);
	memset(text + n, open, depth);
	memset(text + n + depth, close, depth);
	memcpy(text + n + 2 * depth, "}}", 2);
	*len = n + 2 * depth + 2;
	return text;
}

static void test_nesting_depth_limit(void **state)
{
	size_t len;
	char *deep_arrays = nested_text(10000, '[', ']', &len);
	char err[256];

	assert_int_equal(parse_as(K_IR, deep_arrays, len, err, sizeof err), -1);
	assert_true(contains(err, "nested deeper than 128 levels"));
	free(deep_arrays);
	deep_arrays = nested_text(100, '[', ']', &len);
	assert_int_equal(parse_as(K_IR, deep_arrays, len, err, sizeof err), 0);
	free(deep_arrays);
}

/* 1 MiB of "é" as a name: cut to the array at a character boundary. */
static void test_huge_string_values(void **state)
{
	static const char head[] = "{\"properties\":{\"replicationRole\":\"Primary\"},\"name\":\"";
	size_t n = sizeof head - 1, len = n + MIB + 2;
	char *text = malloc(len);
	struct arm_fog fog;
	struct arm_trigger_list list;
	char err[256];

	assert_non_null(text);
	memcpy(text, head, n);
	for (size_t i = 0; i < MIB; i += 2)
		memcpy(text + n + i, "\xc3\xa9", 2);
	memcpy(text + n + MIB, "\"}", 2);
	assert_int_equal(arm_parse_fog(text, len, &fog, err, sizeof err), 0);
	assert_int_equal(strlen(fog.name), ARM_NAME_MAX - 2);
	assert_memory_equal(fog.name + ARM_NAME_MAX - 4, "\xc3\xa9", 2);
	free(text);

	static const char link_head[] = "{\"value\":[],\"nextLink\":\"https://x/";
	n = sizeof link_head - 1;
	len = n + MIB + 2;
	text = malloc(len);
	assert_non_null(text);
	memcpy(text, link_head, n);
	memset(text + n, 'a', MIB);
	memcpy(text + n + MIB, "\"}", 2);
	assert_int_equal(arm_parse_trigger_list(text, len, &list, err, sizeof err), -1);
	assert_true(contains(err, "nextLink"));
	assert_null(list.items);
	free(text);
}

/* Repeats `item` count times, comma-separated, between head and tail. */
static struct body repeated(const char *head, const char *item, size_t count, const char *tail)
{
	size_t hn = strlen(head), in = strlen(item), tn = strlen(tail);
	size_t len = hn + count * (in + 1) + tn;
	char *text = malloc(len);
	size_t at = hn;
	struct body b;

	assert_non_null(text);
	memcpy(text, head, hn);
	for (size_t i = 0; i < count; i++) {
		memcpy(text + at, item, in);
		at += in;
		if (i + 1 < count)
			text[at++] = ',';
	}
	memcpy(text + at, tail, tn);
	b = body_copy(text, at + tn);
	free(text);
	return b;
}

static void test_count_limits(void **state)
{
	static const char ssis[] = "{\"type\":\"ExecuteSSISPackage\",\"typeProperties\":"
				   "{\"connectVia\":{\"referenceName\":\"ir\"}}}";
	static const char ref[] = "{\"pipelineReference\":{\"referenceName\":\"p\"}}";
	struct body b;
	struct arm_pipeline p;
	struct arm_trigger t;
	struct arm_trigger_list list;
	char err[256];

	b = repeated("{\"name\":\"p\",\"properties\":{\"activities\":[", ssis, ARM_MAX_REFS, "]}}");
	assert_int_equal(arm_parse_pipeline(b.data, b.len, &p, err, sizeof err), 0);
	assert_int_equal(p.ssis_activity_count, ARM_MAX_REFS);
	assert_string_equal(p.ssis_activities[ARM_MAX_REFS - 1].ir_name, "ir");
	arm_pipeline_free(&p);
	body_free(&b);
	b = repeated("{\"name\":\"p\",\"properties\":{\"activities\":[", ssis, ARM_MAX_REFS + 1,
		     "]}}");
	assert_int_equal(arm_parse_pipeline(b.data, b.len, &p, err, sizeof err), -1);
	assert_true(contains(err, "ExecuteSSISPackage"));
	assert_null(p.ssis_activities);
	body_free(&b);
	b = repeated("{\"name\":\"t\",\"properties\":{\"pipelines\":[", ref, ARM_MAX_REFS + 1, "]}}");
	assert_int_equal(arm_parse_trigger(b.data, b.len, &t, err, sizeof err), -1);
	assert_true(contains(err, "properties.pipelines"));
	arm_trigger_free(&t);
	body_free(&b);
	b = repeated("{\"value\":[", "{\"name\":\"t\",\"properties\":{}}", ARM_MAX_PAGE_ITEMS + 1,
		     "]}");
	assert_int_equal(arm_parse_trigger_list(b.data, b.len, &list, err, sizeof err), -1);
	assert_true(contains(err, "value: 10001 items"));
	body_free(&b);
}

static void test_bad_arguments(void **state)
{
	struct arm_ir ir;
	struct arm_trigger_list list;
	char err[256];
	char tiny[1];

	for (int k = K_IR; k < K_COUNT; k++) {
		assert_int_equal(parse_as((enum kind)k, NULL, 0, err, sizeof err), -1);
		assert_int_equal(parse_as((enum kind)k, NULL, 10, err, sizeof err), -1);
		assert_int_equal(parse_as((enum kind)k, "{}", 0, err, sizeof err), -1);
	}
	assert_int_equal(arm_parse_ir("{}", 2, NULL, err, sizeof err), -1);
	assert_int_equal(arm_parse_trigger_list("{}", 2, NULL, NULL, 0), -1);
	assert_int_equal(arm_parse_token(ARM_TOKEN_IMDS, "{}", 2, NOW, NULL, err, sizeof err), -1);
	assert_int_equal(arm_parse_ir("[", 1, &ir, NULL, 0), -1);
	assert_int_equal(arm_parse_trigger_list("{", 1, &list, tiny, sizeof tiny), -1);
	assert_string_equal(tiny, "");
	arm_trigger_list_free(&list);
	arm_trigger_list_free(NULL);
	arm_pipeline_list_free(NULL);
	arm_fog_list_free(NULL);
	arm_mi_fog_list_free(NULL);
	arm_ir_list_free(NULL);
	arm_trigger_free(NULL);
	arm_pipeline_free(NULL);
	arm_token_clear(NULL);
	assert_false(arm_pipeline_is_ssis(NULL));
}

/* len is honoured: bytes after it are never read, and a body need not
 * end in NUL. */
static void test_length_is_honoured(void **state)
{
	static const char text[] = "{\"name\":\"ir\",\"properties\":{}}GARBAGE";
	struct arm_ir ir;
	char err[256];

	assert_int_equal(arm_parse_ir(text, sizeof text - 1 - 7, &ir, err, sizeof err), 0);
	assert_string_equal(ir.name, "ir");
	assert_int_equal(arm_parse_ir(text, sizeof text - 1, &ir, err, sizeof err), -1);
	assert_true(contains(err, "unexpected data after the JSON value at byte 29"));
}

/* ---- truncation sweep ------------------------------------------------- */

static void truncate_example_body(const struct example *ex, const char *code,
				  struct json_object *value, void *ctx)
{
	size_t *calls = ctx;
	struct body whole;

	if (ex->kind == K_NONE || value == NULL)
		return;
	whole = serialize(value);
	for (size_t cut = 0; cut < whole.len; cut += 7) {
		struct body part = body_copy(whole.data, cut);
		char err[512];

		parse_as(ex->kind, part.data, part.len, err, sizeof err);
		body_free(&part);
		(*calls)++;
	}
	body_free(&whole);
}

static void test_truncated_examples_never_crash(void **state)
{
	size_t calls = 0;

	for_each_example_body(truncate_example_body, &calls);
	assert_true(calls > 1000);
}

/* Every example body, including PipelineRuns, through every parser. */
static void cross_parse_body(const struct example *ex, const char *code,
			     struct json_object *value, void *ctx)
{
	struct body b = serialize(value);
	char err[512];

	for (int k = K_IR; k < K_COUNT; k++)
		parse_as((enum kind)k, b.data, b.len, err, sizeof err);
	body_free(&b);
}

static void test_every_body_through_every_parser(void **state)
{
	for_each_example_body(cross_parse_body, NULL);
}

/* json-c checks only the shape of UTF-8; the parsers must refuse overlong
 * forms, encoded surrogates, code points past U+10FFFF and cut sequences,
 * and keep accepting real multi-byte text. */
static void test_strict_utf8(void **state)
{
	static const struct {
		const char *body;
		bool ok;
	} cases[] = {
		{ "{\"name\":\"caf\xc3\xa9\",\"properties\":{\"state\":\"Started\"}}", true },
		{ "{\"name\":\"\xf0\x9f\x98\x80\",\"properties\":{\"state\":\"Started\"}}", true },
		{ "{\"name\":\"\xc0\x80\",\"properties\":{}}", false },
		{ "{\"name\":\"\xed\xa0\x80\",\"properties\":{}}", false },
		{ "{\"name\":\"\xf4\x90\x80\x80\",\"properties\":{}}", false },
		{ "{\"name\":\"\xe2\x82\",\"properties\":{}}", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arm_ir ir;
		char err[256] = "";
		int rc = arm_parse_ir(cases[i].body, strlen(cases[i].body), &ir, err, sizeof(err));

		if (cases[i].ok)
			assert_int_equal(rc, 0);
		else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, "invalid UTF-8"));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples_table_covers_directory),
		cmocka_unit_test(test_every_example_body_parses),
		cmocka_unit_test(test_ir_create_managed_ssis),
		cmocka_unit_test(test_ir_get_selfhosted),
		cmocka_unit_test(test_ir_304_null_body_is_an_error),
		cmocka_unit_test(test_ir_list),
		cmocka_unit_test(test_ir_pair_vnet_and_no_secret),
		cmocka_unit_test(test_status_selfhosted_online),
		cmocka_unit_test(test_status_managed_started),
		cmocka_unit_test(test_status_managed_nodes_and_last_operation),
		cmocka_unit_test(test_status_state_falls_back_to_type_properties),
		cmocka_unit_test(test_trigger_list_example),
		cmocka_unit_test(test_trigger_get_example),
		cmocka_unit_test(test_trigger_shapes_and_next_link),
		cmocka_unit_test(test_pipeline_examples_are_not_ssis),
		cmocka_unit_test(test_pipeline_nested_ssis_activities),
		cmocka_unit_test(test_fog_get),
		cmocka_unit_test(test_fog_failover_results),
		cmocka_unit_test(test_fog_list),
		cmocka_unit_test(test_fog_manual_policy_has_no_grace),
		cmocka_unit_test(test_mi_fog_get_and_list),
		cmocka_unit_test(test_mi_fog_failover_results),
		cmocka_unit_test(test_arm_error_bodies),
		cmocka_unit_test(test_arm_error_from_http),
		cmocka_unit_test(test_async_operation),
		cmocka_unit_test(test_token_client_credentials),
		cmocka_unit_test(test_token_imds_string_numbers),
		cmocka_unit_test(test_token_azure_cli),
		cmocka_unit_test(test_entra_error_body),
		cmocka_unit_test(test_token_size_limits),
		cmocka_unit_test(test_malformed_fixtures_fail_with_a_message),
		cmocka_unit_test(test_malformed_table_covers_directory),
		cmocka_unit_test(test_malformed_fixtures_through_every_parser),
		cmocka_unit_test(test_nesting_depth_limit),
		cmocka_unit_test(test_huge_string_values),
		cmocka_unit_test(test_count_limits),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_length_is_honoured),
		cmocka_unit_test(test_truncated_examples_never_crash),
		cmocka_unit_test(test_every_body_through_every_parser),
		cmocka_unit_test(test_strict_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
