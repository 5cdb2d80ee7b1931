/* The ARM client, continued: what a final answer means for a call, with
 * nextLink paging (ARM_FOLLOW_NEXT) and long-running operations
 * (ARM_FOLLOW_LRO, reference section 5.1):
 *
 *  - 201/202 with Azure-AsyncOperation: poll it; InProgress (or any
 *    non-terminal status) = running; Succeeded = done, then GET the
 *    Location once, if one was given, for the final body; Failed or
 *    Canceled = failed with error.code/message.
 *  - 201/202 with only Location: poll it; 202 = running, 200/204 = done
 *    (its body is the final body), 4xx/5xx = failed with that error.
 *  - between polls, max(Retry-After, 1 s); lro_timeout_ms bounds it all. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arm_client_int.h"
#include "core/arm_json.h"
#include "core/arm_parse.h"

#define LRO_MIN_WAIT_MS 1000L

static bool is_2xx(long status)
{
	return status >= 200 && status < 300;
}

static void set_body(struct arm_call *call, char *body, size_t len)
{
	free(call->body_out);
	call->body_out = body;
	call->body_len = body ? len : 0;
}

/* A non-2xx final answer: the ARM error, and the body for the caller. */
static void fail_with_answer(struct arm_job *j, long status, char *body, size_t len,
			     const char *context)
{
	struct arm_error e;

	arm_error_from_http(status, body, len, &e);
	if (context)
		arm_job_error(j, e.code[0] ? e.code : "HttpError", "%s: %s", context, e.message);
	else
		arm_job_error(j, e.code[0] ? e.code : "HttpError", "%s", e.message);
	set_body(j->call, body, len);
	arm_job_finish(j, false);
}

/* ---- nextLink --------------------------------------------------------- */

/* The page's nextLink, malloc'd; NULL when there is none (or the page is
 * not JSON: that is for the caller's parser to report). */
static char *next_link(const char *body, size_t len)
{
	struct json_object *root, *v;
	char *link = NULL;

	if (!body || !len)
		return NULL;
	root = arm_json_parse_root(body, len, NULL, 0);
	if (!root)
		return NULL;
	v = arm_json_get(root, "nextLink");
	if (v && json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0)
		link = strdup(json_object_get_string(v));
	json_object_put(root);
	return link;
}

static void add_page(struct arm_job *j, char *body, size_t len)
{
	struct arm_call *call = j->call;
	struct arm_client *c = j->client;
	char *link, *url, *copy;

	if (call->npages >= c->max_pages) {
		free(body);
		arm_job_error(j, "TooManyPages",
			      "the list has more than %d pages; stopped there (the first %d are kept)",
			      c->max_pages, call->npages);
		arm_job_finish(j, false);
		return;
	}
	if ((size_t)call->npages == j->pages_cap) {
		size_t cap = j->pages_cap ? j->pages_cap * 2 : 4;
		char **pages = realloc(call->pages, cap * sizeof *pages);
		size_t *lens;

		if (pages)
			call->pages = pages;
		lens = pages ? realloc(call->page_lens, cap * sizeof *lens) : NULL;
		if (!lens) {
			free(body);
			arm_job_error(j, "OutOfMemory", "out of memory");
			arm_job_finish(j, false);
			return;
		}
		call->page_lens = lens;
		j->pages_cap = cap;
	}
	copy = body ? malloc(len + 1) : NULL;
	if (body && !copy) {
		free(body);
		arm_job_error(j, "OutOfMemory", "out of memory");
		arm_job_finish(j, false);
		return;
	}
	if (copy) {
		memcpy(copy, body, len);
		copy[len] = '\0';
	}
	call->pages[call->npages] = body;
	call->page_lens[call->npages] = body ? len : 0;
	call->npages++;
	set_body(call, copy, len);

	link = next_link(body, len);
	if (!link) {
		arm_job_finish(j, true);
		return;
	}
	if (j->deadline > 0 && arm_now_ms() >= j->deadline) {
		free(link);
		arm_job_error(j, "Timeout", "the call did not finish within %ld ms (%d pages read)",
			      call->call_timeout_ms, call->npages);
		arm_job_finish(j, false);
		return;
	}
	/* nextLink is followed as-is (it carries its own api-version). */
	url = arm_job_url(j, link, "nextLink");
	free(link);
	if (!url) {
		arm_job_finish(j, false);
		return;
	}
	arm_progress(j, "reading page %d", call->npages + 1);
	arm_job_next(j, PHASE_PAGE, url, 0);
}

/* ---- long-running operations ---------------------------------------- */

static long poll_wait(const struct arm_job *j)
{
	long ra = j->x.resp.retry_after_ms;

	return ra > LRO_MIN_WAIT_MS ? ra : LRO_MIN_WAIT_MS;
}

/* Poll url again after max(Retry-After, 1 s), unless that is past the
 * operation's deadline. Takes url. */
static void poll_again(struct arm_job *j, char *url, long wait)
{
	struct arm_call *call = j->call;

	if (!url) {
		arm_job_error(j, "OutOfMemory", "out of memory");
		arm_job_finish(j, false);
		return;
	}
	if (arm_now_ms() + (double)wait > j->lro_deadline) {
		free(url);
		arm_job_error(j, "OperationPollTimeout",
			      "the operation was still running (%s) after %ld s; it may still finish: read the resource again to see its state",
			      call->lro_status[0] ? call->lro_status : "InProgress",
			      (long)((arm_now_ms() - j->t0) / 1000.0));
		arm_job_finish(j, false);
		return;
	}
	arm_job_next(j, PHASE_POLL, url, wait);
}

static void start_polling(struct arm_job *j, long status, char *body, size_t len)
{
	struct arm_call *call = j->call;
	const struct http_headers *h = &j->x.resp;
	long timeout = call->lro_timeout_ms > 0 ? call->lro_timeout_ms : ARM_CLIENT_DEFAULT_LRO_TIMEOUT_MS;
	char *url;
	long wait = poll_wait(j);

	j->async = h->async_operation && *h->async_operation;
	url = arm_job_url(j, j->async ? h->async_operation : h->location,
			  j->async ? "Azure-AsyncOperation URL" : "Location URL");
	if (!url) {
		set_body(call, body, len);
		arm_job_finish(j, false);
		return;
	}
	free(j->location);
	j->location = NULL;
	if (j->async && h->location && *h->location) {
		j->location = arm_job_url(j, h->location, "Location URL");
		if (!j->location) {
			free(url);
			set_body(call, body, len);
			arm_job_finish(j, false);
			return;
		}
	}
	free(body);
	str_copy(call->lro_status, status == 201 ? "Created" : "Accepted", sizeof call->lro_status);
	j->lro_deadline = j->t0 + (double)timeout; /* from the start of the call */
	arm_progress(j, "operation accepted; checking it every %ld s", wait / 1000);
	poll_again(j, url, wait);
}

static void location_answer(struct arm_job *j, long status, char *body, size_t len)
{
	struct arm_call *call = j->call;
	const struct http_headers *h = &j->x.resp;
	char *url;

	if (status == 202) {
		/* Still running; a new Location, if given, replaces the old. */
		free(body);
		if (h->location && *h->location) {
			url = arm_job_url(j, h->location, "Location URL");
			if (!url) {
				arm_job_finish(j, false);
				return;
			}
		} else {
			url = strdup(j->url);
		}
		str_copy(call->lro_status, "InProgress", sizeof call->lro_status);
		arm_progress(j, "operation still running");
		poll_again(j, url, poll_wait(j));
		return;
	}
	if (is_2xx(status)) {
		str_copy(call->lro_status, "Succeeded", sizeof call->lro_status);
		set_body(call, body, len);
		arm_job_finish(j, true);
		return;
	}
	str_copy(call->lro_status, "Failed", sizeof call->lro_status);
	fail_with_answer(j, status, body, len, NULL);
}

static void async_answer(struct arm_job *j, long status, char *body, size_t len)
{
	struct arm_call *call = j->call;
	struct arm_async_op op;
	char perr[200];

	if (!is_2xx(status)) {
		fail_with_answer(j, status, body, len, "the operation's status could not be read");
		return;
	}
	if (arm_parse_async_op(body, len, &op, perr, sizeof perr)) {
		/* A garbled status is no verdict on the operation: ask again. */
		arm_job_error(j, "InvalidOperationStatus", "the operation's status is unreadable: %s",
			      perr);
		if (!arm_job_retry(j, poll_wait(j), "an unreadable status"))
			set_body(call, body, len);
		else
			free(body);
		return;
	}
	str_copy(call->lro_status, op.status, sizeof call->lro_status);
	if (!arm_async_status_is_terminal(op.status)) {
		free(body);
		arm_progress(j, "operation still running (%s)", op.status);
		poll_again(j, strdup(j->url), poll_wait(j));
		return;
	}
	if (!arm_async_status_succeeded(op.status)) {
		if (op.error_code[0])
			arm_job_error(j, op.error_code, "%s",
				      op.error_message[0] ? op.error_message : "the operation failed");
		else
			arm_job_error(j, !strcmp(op.status, "Failed") ? "OperationFailed" : "OperationCanceled",
				      "the operation ended with status %s", op.status);
		set_body(call, body, len);
		arm_job_finish(j, false);
		return;
	}
	if (j->location) {
		/* Succeeded: the result is at the Location. */
		char *url = j->location;

		j->location = NULL;
		free(body);
		j->async = false;
		arm_progress(j, "operation succeeded; reading its result");
		arm_job_next(j, PHASE_POLL, url, 0);
		return;
	}
	set_body(call, body, len);
	arm_job_finish(j, true);
}

/* ---- dispatch ------------------------------------------------------- */

void arm_job_answer(struct arm_job *j, long status, char *body, size_t len)
{
	struct arm_call *call = j->call;
	const struct http_headers *h = &j->x.resp;

	switch (j->phase) {
	case PHASE_FIRST:
		if (!is_2xx(status)) {
			fail_with_answer(j, status, body, len, NULL);
		} else if ((call->flags & ARM_FOLLOW_LRO) && (status == 201 || status == 202) &&
			   ((h->async_operation && *h->async_operation) || (h->location && *h->location))) {
			start_polling(j, status, body, len);
		} else if (call->flags & ARM_FOLLOW_NEXT) {
			add_page(j, body, len);
		} else {
			set_body(call, body, len);
			arm_job_finish(j, true);
		}
		break;
	case PHASE_PAGE:
		if (is_2xx(status))
			add_page(j, body, len);
		else
			fail_with_answer(j, status, body, len, NULL);
		break;
	case PHASE_POLL:
		if (j->async)
			async_answer(j, status, body, len);
		else
			location_answer(j, status, body, len);
		break;
	}
}
