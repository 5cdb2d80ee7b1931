/* Private to core/arm_client.c and core/arm_lro.c: the client and the
 * state of one call while arm_call_all runs it. */
#ifndef CORE_ARM_CLIENT_INT_H
#define CORE_ARM_CLIENT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arm_client.h"
#include "core/arm_model.h"
#include "core/http.h"
#include "core/util.h"

struct arm_client {
	char *endpoint;            /* no trailing slash */
	char *user_agent;
	long timeout_ms;
	int max_attempts;
	long max_retry_wait_ms;
	int max_pages;
	struct auth *auth;
	CURLM *multi;
	CURLSH *share;
	char token[ARM_TOKEN_MAX];  /* the token requests are sent with */
	char scratch[ARM_TOKEN_MAX];
	unsigned token_gen;         /* bumped when the token changes */
	uint64_t rng;
	struct arm_client_stats stats;
	/* set by arm_call_all for the batch */
	arm_progress_fn progress;
	void *puser;
};

enum arm_job_state { JOB_WAITING, JOB_IN_FLIGHT, JOB_DONE };
enum arm_job_phase {
	PHASE_FIRST, /* the call's own request */
	PHASE_PAGE,  /* a nextLink */
	PHASE_POLL,  /* an LRO poll (Azure-AsyncOperation or Location) */
};

struct arm_job {
	struct arm_client *client;
	struct arm_call *call;
	enum arm_job_state state;
	enum arm_job_phase phase;
	char *url;                  /* this request's URL */
	const char *method;
	const char *body;
	double start_at;            /* monotonic ms: when it may be sent */
	double t0;                  /* when the call began */
	double deadline;            /* call_timeout_ms, 0 when none */
	struct http_exchange x;
	unsigned token_gen;         /* of the token this request carries */
	int attempt;                /* of this request, from 1 */
	long waited_ms;             /* backoff this request has spent */
	bool auth_retried;
	/* long-running operation */
	bool async;                 /* polling Azure-AsyncOperation (else Location) */
	char *location;             /* the Location to GET after an async Succeeded */
	double lro_deadline;
	size_t pages_cap;
};

double arm_now_ms(void);
void arm_progress(struct arm_job *j, const char *fmt, ...) SSISDR_PRINTF(2, 3);
/* Set the call's error; fmt may be NULL for an empty message. */
void arm_job_error(struct arm_job *j, const char *code, const char *fmt, ...) SSISDR_PRINTF(3, 4);
void arm_job_finish(struct arm_job *j, bool ok);
/* The next request of the call: GET url (owned by the job now) after
 * delay_ms, as a fresh request (attempts and the 401 retry start over). */
void arm_job_next(struct arm_job *j, enum arm_job_phase phase, char *url, long delay_ms);
/* Try the same request again after a backoff (at least retry_after_ms).
 * False, and the call finished with its current error, when the attempts,
 * the wait budget or the call's deadline would be exceeded. */
bool arm_job_retry(struct arm_job *j, long retry_after_ms, const char *why);
/* url resolved against the endpoint and checked to be on its host;
 * malloc'd, or NULL with the call's error set. */
char *arm_job_url(struct arm_job *j, const char *ref, const char *what);

/* core/arm_lro.c: what a final (not retried) answer means for the call.
 * body is the answer's body (owned, may be NULL). */
void arm_job_answer(struct arm_job *j, long status, char *body, size_t len);

#endif
