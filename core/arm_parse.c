/* ARM error bodies and Azure-AsyncOperation poll bodies. */
#include <stdio.h>
#include <string.h>

#include "core/arm_json.h"
#include "core/arm_parse.h"
#include "core/util.h"

#define ERROR_PREVIEW_BYTES 80

/* ---- ARM error bodies ----------------------------------------------- */

static void read_first_detail(const struct json_object *error, struct arm_error *e)
{
	struct json_object *details = arm_json_opt_array(error, "details");
	struct json_object *first = NULL;

	if (details && json_object_array_length(details) > 0)
		first = json_object_array_get_idx(details, 0);
	arm_json_opt_string(first, "code", e->detail_code, sizeof e->detail_code);
	arm_json_opt_string(first, "message", e->detail_message, sizeof e->detail_message);
}

/* {"error": {...}} or, from older services, the same members at the top. */
static int parse_error_object(const struct json_object *obj, const char *path, void *dst,
			      char *err, size_t errlen)
{
	struct arm_error *e = dst;
	struct json_object *inner = arm_json_opt_object(obj, "error");
	const struct json_object *src = inner ? inner : obj;

	if (!inner && !arm_json_get(obj, "code"))
		return errf(err, errlen,
			    "not an ARM error body: it has neither an \"error\" object nor a \"code\"");
	if (arm_json_req_string(src, inner ? "error" : path, "code", e->code, sizeof e->code, err,
				errlen))
		return -1;
	arm_json_opt_string(src, "message", e->message, sizeof e->message);
	arm_json_opt_string(src, "target", e->target, sizeof e->target);
	read_first_detail(src, e);
	return 0;
}

int arm_parse_error(const char *body, size_t len, struct arm_error *out, char *err,
		    size_t errlen)
{
	if (!out)
		return errf(err, errlen, "internal error: no place to store the error");
	memset(out, 0, sizeof *out);
	if (arm_json_parse_single(body, len, parse_error_object, out, err, errlen)) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* Printable ASCII only, so the preview cannot disturb a terminal. */
static void printable_preview(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t n = srclen < dstlen - 1 ? srclen : dstlen - 1;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '\n' || c == '\r' || c == '\t')
			dst[i] = ' ';
		else
			dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[n] = '\0';
}

static void describe_non_arm_body(long http_status, const char *body, size_t len,
				  struct arm_error *out)
{
	char preview[ERROR_PREVIEW_BYTES + 1];

	if (!body || len == 0) {
		snprintf(out->message, sizeof out->message, "HTTP %ld with an empty body",
			 http_status);
		return;
	}
	printable_preview(preview, sizeof preview, body, len);
	if (len > ERROR_PREVIEW_BYTES)
		snprintf(out->message, sizeof out->message,
			 "HTTP %ld with a body that is not an ARM error (first %d bytes: %s)",
			 http_status, ERROR_PREVIEW_BYTES, preview);
	else
		snprintf(out->message, sizeof out->message,
			 "HTTP %ld with a body that is not an ARM error: %s", http_status, preview);
}

void arm_error_from_http(long http_status, const char *body, size_t len, struct arm_error *out)
{
	struct arm_entra_error entra;

	if (!out)
		return;
	if (arm_parse_error(body, len, out, NULL, 0) == 0) {
		if (!out->message[0])
			snprintf(out->message, sizeof out->message, "HTTP %ld, error code %s",
				 http_status, out->code);
		return;
	}
	if (arm_parse_entra_error(body, len, &entra, NULL, 0) == 0 && entra.error[0]) {
		str_copy(out->code, entra.error, sizeof out->code);
		if (entra.description[0])
			str_copy(out->message, entra.description, sizeof out->message);
		else
			snprintf(out->message, sizeof out->message, "HTTP %ld, error %s", http_status,
				 entra.error);
		return;
	}
	describe_non_arm_body(http_status, body, len, out);
}

/* ---- Azure-AsyncOperation ------------------------------------------ */

static int parse_async_object(const struct json_object *obj, const char *path, void *dst,
			      char *err, size_t errlen)
{
	struct arm_async_op *op = dst;
	struct json_object *error = arm_json_opt_object(obj, "error");

	if (arm_json_req_string(obj, path, "status", op->status, sizeof op->status, err, errlen))
		return -1;
	arm_json_opt_string(error, "code", op->error_code, sizeof op->error_code);
	arm_json_opt_string(error, "message", op->error_message, sizeof op->error_message);
	return 0;
}

int arm_parse_async_op(const char *body, size_t len, struct arm_async_op *out, char *err,
		       size_t errlen)
{
	if (!out)
		return errf(err, errlen, "internal error: no place to store the operation status");
	memset(out, 0, sizeof *out);
	if (arm_json_parse_single(body, len, parse_async_object, out, err, errlen)) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* ASCII-only, so the result does not depend on the locale. */
static bool equals_ignoring_case(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
		char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;

		if (ca != cb)
			return false;
	}
	return *a == *b;
}

bool arm_async_status_succeeded(const char *status)
{
	return status && equals_ignoring_case(status, "Succeeded");
}

bool arm_async_status_is_terminal(const char *status)
{
	return status && (equals_ignoring_case(status, "Succeeded") ||
			  equals_ignoring_case(status, "Failed") ||
			  equals_ignoring_case(status, "Canceled") ||
			  equals_ignoring_case(status, "Cancelled"));
}
