/* The Azure Resource Manager client: batches of calls in flight at once on
 * one libcurl multi handle, with retries (429/5xx/transport, exponential
 * backoff with full jitter, Retry-After honoured), one token refresh on a
 * 401, nextLink paging and long-running operations (Azure-AsyncOperation
 * or Location polling).
 *
 * A client is used by one thread at a time; the struct auth it borrows may
 * be shared with other clients and threads. Connections, DNS answers and
 * TLS sessions are kept for the client's life, so a second batch reuses
 * the first one's connections. */
#ifndef CORE_ARM_CLIENT_H
#define CORE_ARM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/auth.h"

#define ARM_CLIENT_DEFAULT_ATTEMPTS 5
#define ARM_CLIENT_DEFAULT_RETRY_WAIT_MS 30000L
#define ARM_CLIENT_DEFAULT_TIMEOUT_MS 15000L
#define ARM_CLIENT_DEFAULT_MAX_PAGES 100
#define ARM_CLIENT_DEFAULT_LRO_TIMEOUT_MS (45L * 60 * 1000)
#define ARM_CLIENT_BACKOFF_BASE_MS 500L
#define ARM_CLIENT_BACKOFF_CAP_MS 8000L
/* Requests on the wire at once; more wait their turn. Enough for a poll
 * cycle of 25 pairs (10 calls each) in one wave. */
#define ARM_CLIENT_MAX_INFLIGHT 256

struct arm_client_opts {
	const char *arm_endpoint;   /* e.g. https://management.azure.com or http://127.0.0.1:PORT */
	const char *user_agent;     /* "ssisdr/VERSION"; NULL: "ssisdr" */
	long request_timeout_ms;    /* per HTTP request; 0: 15000 */
	int max_attempts;           /* per request incl. the first; 0: 5 */
	/* Total backoff one request (a call's first request, one page, one
	 * poll) may spend waiting between its attempts; 0: 30000. A wait the
	 * server asks for (Retry-After) that does not fit fails the request. */
	long max_retry_wait_ms;
	int max_pages;              /* ARM_FOLLOW_NEXT bound; 0: 100 */
	struct auth *auth;
};

struct arm_client;

/* The options' strings are copied. NULL and a message on failure. */
struct arm_client *arm_client_new(const struct arm_client_opts *o, char *err, size_t errlen);
/* Closes the connections and wipes the token copy. NULL is fine. */
void arm_client_free(struct arm_client *c);

/* ARM_IDEMPOTENT: a POST that changes nothing (getStatus): it may be sent
 * again after a timeout. A POST or PATCH without it is sent again only
 * when it surely did not arrive (no connection, 429, 5xx, a refused token);
 * when it was sent and no answer came, the call fails with a message
 * saying it may have been carried out. GET, PUT and DELETE are idempotent. */
enum { ARM_FOLLOW_NEXT = 1, ARM_FOLLOW_LRO = 2, ARM_IDEMPOTENT = 4 };

struct arm_call {
	/* in */
	const char *method;         /* "GET" or "POST" (PUT, PATCH, DELETE also work) */
	char path[2048];            /* "/subscriptions/..." (joined to arm_endpoint) or an
				     * absolute URL on the arm_endpoint's host */
	const char *api_version;    /* appended as ?api-version= unless the URL has one */
	const char *body;           /* JSON request body or NULL: POST with Content-Length 0 */
	int flags;                  /* ARM_FOLLOW_NEXT, ARM_FOLLOW_LRO, ARM_IDEMPOTENT */
	long lro_timeout_ms;        /* with ARM_FOLLOW_LRO: give up after this; 0: 45 min */
	long call_timeout_ms;       /* optional: no new attempt or page after this long
				     * (LRO polls excepted: they have lro_timeout_ms); 0: none */
	void *user;
	/* out */
	bool ok;                    /* final status 2xx (and, when following an LRO, the
				     * operation succeeded) */
	long status;                /* final HTTP status; 0 when no HTTP answer */
	char *body_out;             /* final body (malloc'd, NUL-terminated) or NULL when
				     * empty; with ARM_FOLLOW_NEXT a copy of the last page */
	size_t body_len;
	char **pages;               /* ARM_FOLLOW_NEXT: each page's body, in order */
	size_t *page_lens;
	int npages;
	char error_code[128];       /* ARM error code, or a transport code: "Timeout",
				     * "ConnectionFailed", "TlsFailed", "TooManyPages",
				     * "OperationPollTimeout", "OperationFailed", ... */
	char error_message[512];    /* what a person can act on; never holds the token */
	char request_id[64];        /* x-ms-request-id of the last answer */
	char ratelimit_reads[16], ratelimit_writes[16];
	char lro_status[64];        /* with ARM_FOLLOW_LRO: the last status seen
				     * (Accepted, InProgress, Succeeded, Failed, ...) */
	int requests;               /* HTTP requests made (retries, pages, LRO polls included) */
	int retries;
	int new_connections;        /* connections opened for this call's requests */
	double elapsed_ms;
};

/* Progress lines ("retrying after 429 in 2 s", "operation still running"),
 * called from the thread that runs arm_call_all. */
typedef void (*arm_progress_fn)(void *user, const struct arm_call *call, const char *what);

/* Run every call at once and return when all are done. Never fails as a
 * whole: each call reports its own outcome. The outputs of each call are
 * cleared first (arm_call_clear). */
void arm_call_all(struct arm_client *c, struct arm_call *calls, size_t n, arm_progress_fn progress,
		  void *puser);
/* Frees the outputs and zeroes them; keeps the inputs. */
void arm_call_clear(struct arm_call *call);

struct arm_client_stats {
	unsigned long requests, retries, throttled, token_refreshes, connects;
};
void arm_client_stats(struct arm_client *c, struct arm_client_stats *out);

#endif
