/* A thin layer over libcurl shared by the ARM client and the token
 * sources: one exchange (easy handle, request headers, response body and
 * the response headers ARM cares about), the options every request gets,
 * transport errors in words, request ids and URL helpers.
 *
 * Every request: no signals (threads), http and https only, no redirects,
 * HTTP/2 over TLS where offered, its own total and connect timeouts, and
 * TLS verification left on (it is never turned off here). */
#ifndef CORE_HTTP_H
#define CORE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#define HTTP_MAX_BODY (16u * 1024 * 1024) /* a larger answer is an error */
#define HTTP_CONNECT_TIMEOUT_MS 10000L    /* at most; never above the total */
#define HTTP_GUID_LEN 37                  /* 36 characters and the NUL */

/* curl_global_init, once per process (pthread_once). 0 or -1. */
int http_global_init(char *err, size_t errlen);

/* The response headers kept from the last answer. */
struct http_headers {
	char request_id[64];       /* x-ms-request-id */
	char ratelimit_reads[16];  /* x-ms-ratelimit-remaining-subscription-reads */
	char ratelimit_writes[16]; /* x-ms-ratelimit-remaining-subscription-writes */
	long retry_after_ms;       /* Retry-After in seconds (or an HTTP date), -1 when absent */
	char *location;            /* Location, malloc'd or NULL */
	char *async_operation;     /* Azure-AsyncOperation, malloc'd or NULL */
};

struct http_request {
	const char *method;   /* GET, POST, PUT, PATCH, DELETE */
	const char *url;
	const char *body;     /* NULL: none (a POST then sends Content-Length: 0) */
	size_t body_len;
	const char *content_type; /* with a body; NULL: application/json */
	const char *user_agent;
	/* Further request headers, "Name: value", NULL-terminated, or NULL. */
	const char *const *headers;
	const char *bearer;   /* adds Authorization: Bearer <bearer> when not NULL */
	long timeout_ms;      /* the whole exchange */
	bool no_proxy;        /* IMDS: never through a proxy */
	CURLSH *share;        /* or NULL */
};

/* One exchange. Zero it before first use; it may be reused after
 * http_exchange_reset(). Request headers holding a bearer token are wiped
 * before they are freed; so is the body when `sensitive` is set. */
struct http_exchange {
	CURL *easy;
	struct curl_slist *req_headers;
	char *body;            /* the answer's body, NUL-terminated, or NULL */
	size_t body_len, body_cap;
	bool body_too_big;
	bool sensitive;        /* wipe the body when it is freed (token answers) */
	struct http_headers resp;
	char errbuf[CURL_ERROR_SIZE];
	long timeout_ms;
	char *url;             /* a copy of the request's URL */
	void *user;
};

/* Set every option on the exchange's easy handle (created when NULL).
 * The request's strings must outlive the transfer (the body is not
 * copied). 0 or -1 and a message. */
int http_exchange_prepare(struct http_exchange *x, const struct http_request *rq, char *err,
			  size_t errlen);
/* Run it here and now (curl_easy_perform). Returns the CURLcode. */
CURLcode http_exchange_perform(struct http_exchange *x);
/* The HTTP status of the answer, 0 when there was none. */
long http_exchange_status(struct http_exchange *x);
/* Take the body (the exchange forgets it); NULL when empty. */
char *http_exchange_take_body(struct http_exchange *x, size_t *len);
/* Free the request headers, body and kept headers; keep the easy handle
 * (and with it, its connection) for the next exchange. */
void http_exchange_reset(struct http_exchange *x);
/* Reset, and clean up the easy handle. */
void http_exchange_free(struct http_exchange *x);

/* A transport failure in words: code "Timeout", "ConnectionFailed",
 * "TlsFailed", "TooLarge" or "TransportError", and a message naming the
 * host, e.g. "no answer from 127.0.0.1:8080 within 500 ms" (the request
 * went out) or "could not reach HOST within 10000 ms" (it did not). */
void http_transport_error(const struct http_exchange *x, CURLcode rc, char *code, size_t codelen,
			  char *msg, size_t msglen);
/* Transport failures worth another try: timeouts, refused or broken
 * connections, name resolution. Certificate errors are not. */
bool http_curl_transient(CURLcode rc);
/* 429, 500, 502, 503, 504. */
bool http_status_transient(long status);

/* A random (version 4) GUID from getrandom(), lower case. 0 or -1. */
int http_new_guid(char out[HTTP_GUID_LEN]);

/* "host:port" of an absolute URL (the port only when given). */
void http_url_host(const char *url, char *out, size_t outlen);
/* True when both absolute URLs have the same scheme, host and port. */
bool http_same_origin(const char *a, const char *b);
bool http_url_is_absolute(const char *url);
/* REF resolved against BASE (absolute URLs as they are; "/path" joined
 * to BASE's origin). malloc'd, or NULL when REF is neither. */
char *http_url_resolve(const char *base, const char *ref);
/* True when the query string of URL has an api-version parameter. */
bool http_url_has_api_version(const char *url);

/* Wipe and free a header list (it may hold a bearer token). */
void http_slist_wipe_free(struct curl_slist *list);

#endif
