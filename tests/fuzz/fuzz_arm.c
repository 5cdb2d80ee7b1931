/* Fuzz target: every ARM / Data Factory / Microsoft.Sql / Entra ID response
 * parser in core/arm_parse.h.
 *
 * The first byte picks the parser: (byte - 'A') mod ARM_NSEL, so 'A' is
 * arm_parse_ir, 'B' arm_parse_ir_list, ... (see parsers[] below) and every
 * byte value picks something. The rest of the input is the response body,
 * handed over in an exact-size heap block that is not NUL-terminated, as
 * the HTTP layer does. After a success every string in the result must be
 * NUL-terminated, well-formed UTF-8; after a failure the error must say
 * something. */
#include "tests/fuzz/fuzz.h"

#include <time.h>

#include "core/arm_parse.h"

const char fuzz_target_name[] = "fuzz_arm";
const unsigned long fuzz_iterations = 20000;

const char *const fuzz_dict[] = {
	"\"name\":",		"\"properties\":",	"\"value\":[",	  "\"nextLink\":",
	"\"state\":",		"\"type\":",		"\"typeProperties\":", "\"nodes\":[",
	"\"status\":",		"\"error\":",		"\"code\":",	  "\"message\":",
	"\"details\":[",	"\"target\":",		"\"pipelines\":[", "\"activities\":[",
	"\"pipelineReference\":", "\"referenceName\":", "\"ExecuteSSISPackage\"",
	"\"connectVia\":",	"\"packageLocation\":", "\"packagePath\":",
	"\"ifTrueActivities\":[", "\"ifFalseActivities\":[", "\"cases\":[",
	"\"defaultActivities\":[", "\"runtimeState\":", "\"replicationRole\":",
	"\"replicationState\":", "\"partnerServers\":[", "\"partnerRegions\":[",
	"\"managedInstancePairs\":[", "\"readWriteEndpoint\":",
	"\"failoverWithDataLossGracePeriodMinutes\":", "\"failoverPolicy\":",
	"\"databases\":[",	"\"ssisProperties\":",	"\"computeProperties\":",
	"\"numberOfNodes\":",	"\"catalogInfo\":",	"\"dataProxyProperties\":",
	"\"vNetProperties\":",	"\"customerVirtualNetwork\":",
	"\"dualStandbyPairName\":", "\"otherErrors\":[", "\"lastOperation\":",
	"\"access_token\":",	"\"token_type\":",	"\"expires_in\":", "\"expires_on\":",
	"\"expiresOn\":",	"\"accessToken\":",	"\"tokenType\":", "\"error_description\":",
	"\"error_codes\":[",	"\"Succeeded\"",	"\"Failed\"",	  "\"Canceled\"",
	"\"Started\"",		"\"Stopped\"",		"\"Primary\"",	  "\"Secondary\"",
	"\"Managed\"",		"\"SelfHosted\"",	"\"Available\"",
	"\"2024-01-01 12:00:00.000000\"", "\"9999-12-31 23:59:59\"", "\"1700000000\"",
	"9223372036854775807",	"-9223372036854775808", "18446744073709551616",
	"2147483648",		"-2147483649",		"1e308",	  "-1",
	"0.5",			"\"\\ud800\"",		"\"\\udc00\\ud800\"", "\"\\ud83d\\ude00\"",
	"\"\\u00e9\"",		"\"\xc3\xa9\"",		"\"\xe2\x82\xac\"", "\"\xf0\x9f\x98\x80\"",
	NULL,
};

#define NOW ((time_t)1700000000)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_ir(const struct arm_ir *ir)
{
	FUZZ_TEXT(ir->name);
	FUZZ_TEXT(ir->id);
	FUZZ_TEXT(ir->etag);
	FUZZ_TEXT(ir->type);
	FUZZ_TEXT(ir->state);
	FUZZ_TEXT(ir->location);
	FUZZ_TEXT(ir->node_size);
	FUZZ_TEXT(ir->catalog_server_endpoint);
	FUZZ_TEXT(ir->dual_standby_pair_name);
}

static void check_trigger(const struct arm_trigger *t)
{
	FUZZ_TEXT(t->name);
	FUZZ_TEXT(t->id);
	FUZZ_TEXT(t->etag);
	FUZZ_TEXT(t->type);
	FUZZ_TEXT(t->runtime_state);
	if (t->pipeline_count && !t->pipelines)
		fuzz_fail("pipeline_count without pipelines", t->name);
	for (size_t i = 0; i < t->pipeline_count; i++)
		FUZZ_TEXT(t->pipelines[i].name);
}

static void check_pipeline(const struct arm_pipeline *p)
{
	FUZZ_TEXT(p->name);
	FUZZ_TEXT(p->id);
	FUZZ_TEXT(p->etag);
	if (p->ssis_activity_count && !p->ssis_activities)
		fuzz_fail("ssis_activity_count without activities", p->name);
	for (size_t i = 0; i < p->ssis_activity_count; i++) {
		FUZZ_TEXT(p->ssis_activities[i].name);
		FUZZ_TEXT(p->ssis_activities[i].ir_name);
		FUZZ_TEXT(p->ssis_activities[i].package_path);
	}
	if (arm_pipeline_is_ssis(p) != (p->ssis_activity_count > 0))
		fuzz_fail("arm_pipeline_is_ssis disagrees with ssis_activity_count", p->name);
}

static void check_fog(const struct arm_fog *f)
{
	FUZZ_TEXT(f->name);
	FUZZ_TEXT(f->id);
	FUZZ_TEXT(f->location);
	FUZZ_TEXT(f->failover_policy);
	FUZZ_TEXT(f->replication_role);
	FUZZ_TEXT(f->replication_state);
	if (f->partner_count > ARM_MAX_PARTNERS)
		fuzz_fail("partner_count > ARM_MAX_PARTNERS", f->name);
	for (size_t i = 0; i < f->partner_count; i++) {
		FUZZ_TEXT(f->partners[i].id);
		FUZZ_TEXT(f->partners[i].location);
		FUZZ_TEXT(f->partners[i].replication_role);
	}
}

static void check_mi_fog(const struct arm_mi_fog *f)
{
	FUZZ_TEXT(f->name);
	FUZZ_TEXT(f->id);
	FUZZ_TEXT(f->failover_policy);
	FUZZ_TEXT(f->replication_role);
	FUZZ_TEXT(f->replication_state);
	FUZZ_TEXT(f->primary_mi_id);
	FUZZ_TEXT(f->partner_mi_id);
	if (f->partner_region_count > ARM_MAX_PARTNERS)
		fuzz_fail("partner_region_count > ARM_MAX_PARTNERS", f->name);
	for (size_t i = 0; i < f->partner_region_count; i++) {
		FUZZ_TEXT(f->partner_regions[i].location);
		FUZZ_TEXT(f->partner_regions[i].replication_role);
	}
}

static void check_error(const struct arm_error *e)
{
	FUZZ_TEXT(e->code);
	FUZZ_TEXT(e->message);
	FUZZ_TEXT(e->target);
	FUZZ_TEXT(e->detail_code);
	FUZZ_TEXT(e->detail_message);
}

#define CHECK_LIST(list, check)                                                            \
	do {                                                                               \
		if ((list)->count && !(list)->items)                                       \
			fuzz_fail("count without items", #list);                           \
		if ((list)->count > ARM_MAX_PAGE_ITEMS)                                    \
			fuzz_fail("more than ARM_MAX_PAGE_ITEMS items", #list);            \
		for (size_t i_ = 0; i_ < (list)->count; i_++)                              \
			check(&(list)->items[i_]);                                         \
		FUZZ_TEXT((list)->next_link);                                              \
	} while (0)

/* Each runs one parser on (body, len) and returns its result. */
typedef int (*run_fn)(const char *body, size_t len, char *err, size_t errlen);

static int run_ir(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_ir *ir = calloc(1, sizeof *ir);
	int rc = arm_parse_ir(body, len, ir, err, errlen);

	if (rc == 0)
		check_ir(ir);
	free(ir);
	return rc;
}

static int run_ir_list(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_ir_list *l = calloc(1, sizeof *l);
	int rc = arm_parse_ir_list(body, len, l, err, errlen);

	if (rc == 0)
		CHECK_LIST(l, check_ir);
	arm_ir_list_free(l);
	arm_ir_list_free(l); /* documented as safe after a free */
	free(l);
	return rc;
}

static int run_ir_status(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_ir_status *s = calloc(1, sizeof *s);
	int rc = arm_parse_ir_status(body, len, s, err, errlen);

	if (rc == 0) {
		FUZZ_TEXT(s->name);
		FUZZ_TEXT(s->type);
		FUZZ_TEXT(s->state);
		FUZZ_TEXT(s->data_factory_name);
		FUZZ_TEXT(s->last_operation.type);
		FUZZ_TEXT(s->last_operation.start_time);
		FUZZ_TEXT(s->last_operation.result);
		FUZZ_TEXT(s->last_operation.error_code);
		FUZZ_TEXT(s->first_error);
		if (s->nodes_available > s->node_count)
			fuzz_fail("nodes_available > node_count", s->name);
	}
	free(s);
	return rc;
}

static int run_trigger(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_trigger *t = calloc(1, sizeof *t);
	int rc = arm_parse_trigger(body, len, t, err, errlen);

	if (rc == 0)
		check_trigger(t);
	arm_trigger_free(t);
	free(t);
	return rc;
}

static int run_trigger_list(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_trigger_list *l = calloc(1, sizeof *l);
	int rc = arm_parse_trigger_list(body, len, l, err, errlen);

	if (rc == 0)
		CHECK_LIST(l, check_trigger);
	arm_trigger_list_free(l);
	free(l);
	return rc;
}

static int run_pipeline(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_pipeline *p = calloc(1, sizeof *p);
	int rc = arm_parse_pipeline(body, len, p, err, errlen);

	if (rc == 0)
		check_pipeline(p);
	arm_pipeline_free(p);
	free(p);
	return rc;
}

static int run_pipeline_list(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_pipeline_list *l = calloc(1, sizeof *l);
	int rc = arm_parse_pipeline_list(body, len, l, err, errlen);

	if (rc == 0)
		CHECK_LIST(l, check_pipeline);
	arm_pipeline_list_free(l);
	free(l);
	return rc;
}

static int run_fog(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_fog *f = calloc(1, sizeof *f);
	int rc = arm_parse_fog(body, len, f, err, errlen);

	if (rc == 0)
		check_fog(f);
	free(f);
	return rc;
}

static int run_fog_list(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_fog_list *l = calloc(1, sizeof *l);
	int rc = arm_parse_fog_list(body, len, l, err, errlen);

	if (rc == 0)
		CHECK_LIST(l, check_fog);
	arm_fog_list_free(l);
	free(l);
	return rc;
}

static int run_mi_fog(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_mi_fog *f = calloc(1, sizeof *f);
	int rc = arm_parse_mi_fog(body, len, f, err, errlen);

	if (rc == 0)
		check_mi_fog(f);
	free(f);
	return rc;
}

static int run_mi_fog_list(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_mi_fog_list *l = calloc(1, sizeof *l);
	int rc = arm_parse_mi_fog_list(body, len, l, err, errlen);

	if (rc == 0)
		CHECK_LIST(l, check_mi_fog);
	arm_mi_fog_list_free(l);
	free(l);
	return rc;
}

static int run_error(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_error *e = calloc(1, sizeof *e);
	int rc = arm_parse_error(body, len, e, err, errlen);

	if (rc == 0)
		check_error(e);
	free(e);
	return rc;
}

/* Always fills *out; never fails. The status comes from the body's length
 * so that the 2xx/4xx/5xx and odd-status wording all run. */
static int run_error_from_http(const char *body, size_t len, char *err, size_t errlen)
{
	static const long statuses[] = {0, 200, 304, 400, 401, 403, 404, 409, 429, 500, 502, 503,
					-1, 999999};
	struct arm_error *e = calloc(1, sizeof *e);

	arm_error_from_http(statuses[len % (sizeof statuses / sizeof statuses[0])], body, len, e);
	/* message is built from the body: printable, but FUZZ_TEXT holds it
	 * to UTF-8 too, which a preview of arbitrary bytes must still be. */
	check_error(e);
	/* An Entra ID body without error_description leaves the message
	 * empty, but then the code says something. */
	if (e->message[0] == '\0' && e->code[0] == '\0')
		fuzz_fail("arm_error_from_http left both code and message empty", NULL);
	free(e);
	(void)err;
	(void)errlen;
	return -2; /* no error contract to check */
}

static int run_async_op(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_async_op *op = calloc(1, sizeof *op);
	int rc = arm_parse_async_op(body, len, op, err, errlen);

	if (rc == 0) {
		FUZZ_TEXT(op->status);
		FUZZ_TEXT(op->error_code);
		FUZZ_TEXT(op->error_message);
		if (arm_async_status_succeeded(op->status) &&
		    !arm_async_status_is_terminal(op->status))
			fuzz_fail("Succeeded is not terminal", op->status);
	}
	free(op);
	return rc;
}

static int run_token(enum arm_token_source src, const char *body, size_t len, char *err,
		     size_t errlen)
{
	struct arm_token *t = calloc(1, sizeof *t);
	int rc = arm_parse_token(src, body, len, NOW, t, err, errlen);

	if (rc == 0) {
		FUZZ_STR(t->access_token);
		FUZZ_TEXT(t->token_type);
		if (t->access_token[0] == '\0')
			fuzz_fail("token accepted with an empty access_token", NULL);
	} else if (t->access_token[0] != '\0') {
		fuzz_fail("access_token not wiped on failure", NULL);
	}
	arm_token_clear(t);
	free(t);
	return rc;
}

static int run_token_cc(const char *body, size_t len, char *err, size_t errlen)
{
	return run_token(ARM_TOKEN_CLIENT_CREDENTIALS, body, len, err, errlen);
}

static int run_token_imds(const char *body, size_t len, char *err, size_t errlen)
{
	return run_token(ARM_TOKEN_IMDS, body, len, err, errlen);
}

static int run_token_az(const char *body, size_t len, char *err, size_t errlen)
{
	return run_token(ARM_TOKEN_AZ_CLI, body, len, err, errlen);
}

static int run_entra_error(const char *body, size_t len, char *err, size_t errlen)
{
	struct arm_entra_error *e = calloc(1, sizeof *e);
	int rc = arm_parse_entra_error(body, len, e, err, errlen);

	if (rc == 0) {
		FUZZ_TEXT(e->error);
		FUZZ_TEXT(e->description);
	}
	free(e);
	return rc;
}

/* Selector byte 'A' + index. Keep in step with tests/fuzz/README and the
 * corpus file names. */
static const run_fn parsers[] = {
	run_ir,		  /* A */
	run_ir_list,	  /* B */
	run_ir_status,	  /* C */
	run_trigger,	  /* D */
	run_trigger_list, /* E */
	run_pipeline,	  /* F */
	run_pipeline_list, /* G */
	run_fog,	  /* H */
	run_fog_list,	  /* I */
	run_mi_fog,	  /* J */
	run_mi_fog_list,  /* K */
	run_error,	  /* L */
	run_error_from_http, /* M */
	run_async_op,	  /* N */
	run_token_cc,	  /* O */
	run_token_imds,	  /* P */
	run_token_az,	  /* Q */
	run_entra_error,  /* R */
};
#define ARM_NSEL (sizeof parsers / sizeof parsers[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t errlen, len;
	char *body, *err;
	run_fn run;
	int rc;

	if (size == 0)
		return 0;
	run = parsers[(uint8_t)(data[0] - 'A') % ARM_NSEL];
	len = size - 1;
	body = fuzz_copy(data + 1, len);
	errlen = fuzz_errlen(data, size);
	err = errlen ? malloc(errlen) : NULL;
	if (errlen && !err)
		abort();
	if (err)
		memset(err, 'X', errlen); /* a message must terminate itself */
	rc = run(body, len, err, errlen);
	if (rc == -1)
		fuzz_check_err(err, errlen);
	else if (rc != 0 && rc != -2)
		fuzz_fail("parser returned neither 0 nor -1", NULL);
	free(err);
	free(body);
	return 0;
}
