/* A thin layer over libcurl: see core/http.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* explicit_bzero, strncasecmp, getrandom */
#endif

#include "core/http.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "core/util.h"

/* ---- global init ---------------------------------------------------- */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init_once(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int http_global_init(char *err, size_t errlen)
{
	pthread_once(&global_once, global_init_once);
	if (global_rc != CURLE_OK)
		return errf(err, errlen, "libcurl could not be initialised: %s",
			    curl_easy_strerror(global_rc));
	return 0;
}

/* ---- callbacks ------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
	struct http_exchange *x = user;
	size_t n = size * nmemb;

	if (n == 0)
		return 0;
	if (x->body_len + n > HTTP_MAX_BODY) {
		x->body_too_big = true;
		return 0; /* CURLE_WRITE_ERROR */
	}
	if (x->body_len + n + 1 > x->body_cap) {
		size_t cap = x->body_cap ? x->body_cap : 4096;
		char *p;

		while (cap < x->body_len + n + 1)
			cap *= 2;
		p = malloc(cap);
		if (!p)
			return 0;
		if (x->body) {
			memcpy(p, x->body, x->body_len);
			if (x->sensitive)
				explicit_bzero(x->body, x->body_cap);
			free(x->body);
		}
		x->body = p;
		x->body_cap = cap;
	}
	memcpy(x->body + x->body_len, data, n);
	x->body_len += n;
	x->body[x->body_len] = '\0';
	return n;
}

static void copy_trimmed(char *dst, size_t dstlen, const char *src, size_t len)
{
	while (len && isspace((unsigned char)*src))
		src++, len--;
	while (len && isspace((unsigned char)src[len - 1]))
		len--;
	if (len >= dstlen)
		len = dstlen - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static char *dup_trimmed(const char *src, size_t len)
{
	char *p = malloc(len + 1);

	if (p)
		copy_trimmed(p, len + 1, src, len);
	return p;
}

static long parse_retry_after(const char *v, size_t len)
{
	char buf[64];
	char *end;
	long s;

	copy_trimmed(buf, sizeof buf, v, len);
	if (!buf[0])
		return -1;
	if (isdigit((unsigned char)buf[0])) {
		errno = 0;
		s = strtol(buf, &end, 10);
		if (errno || *end || s < 0)
			return -1;
		if (s > 86400)
			s = 86400;
		return s * 1000;
	} else {
		time_t when = curl_getdate(buf, NULL), now = time(NULL);

		if (when == (time_t)-1)
			return -1;
		return when <= now ? 0 : (long)(when - now > 86400 ? 86400 : when - now) * 1000;
	}
}

static bool header_is(const char *line, size_t len, const char *name, const char **value,
		      size_t *vlen)
{
	size_t n = strlen(name);

	if (len <= n || line[n] != ':' || strncasecmp(line, name, n))
		return false;
	*value = line + n + 1;
	*vlen = len - n - 1;
	return true;
}

static void clear_headers(struct http_headers *h)
{
	free(h->location);
	free(h->async_operation);
	memset(h, 0, sizeof *h);
	h->retry_after_ms = -1;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *user)
{
	struct http_exchange *x = user;
	struct http_headers *h = &x->resp;
	size_t n = size * nmemb;
	const char *v;
	size_t vlen;

	/* A new status line (after a 100 Continue, say): forget the old set. */
	if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
		clear_headers(h);
		return n;
	}
	if (header_is(data, n, "x-ms-request-id", &v, &vlen)) {
		copy_trimmed(h->request_id, sizeof h->request_id, v, vlen);
	} else if (header_is(data, n, "x-ms-ratelimit-remaining-subscription-reads", &v, &vlen)) {
		copy_trimmed(h->ratelimit_reads, sizeof h->ratelimit_reads, v, vlen);
	} else if (header_is(data, n, "x-ms-ratelimit-remaining-subscription-writes", &v, &vlen)) {
		copy_trimmed(h->ratelimit_writes, sizeof h->ratelimit_writes, v, vlen);
	} else if (header_is(data, n, "Retry-After", &v, &vlen)) {
		h->retry_after_ms = parse_retry_after(v, vlen);
	} else if (header_is(data, n, "Location", &v, &vlen)) {
		free(h->location);
		h->location = dup_trimmed(v, vlen);
	} else if (header_is(data, n, "Azure-AsyncOperation", &v, &vlen)) {
		free(h->async_operation);
		h->async_operation = dup_trimmed(v, vlen);
	}
	return n;
}

/* ---- exchanges ------------------------------------------------------ */

static int add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (!l)
		return -1;
	*list = l;
	return 0;
}

void http_slist_wipe_free(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l; l = l->next)
		if (l->data)
			explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

static int build_headers(struct http_exchange *x, const struct http_request *rq)
{
	struct curl_slist *list = NULL;
	char line[256];
	int rc = 0;

	if (rq->bearer) {
		size_t n = strlen(rq->bearer) + sizeof "Authorization: Bearer ";
		char *auth = malloc(n);

		if (!auth)
			return -1;
		snprintf(auth, n, "Authorization: Bearer %s", rq->bearer);
		rc = add_header(&list, auth);
		explicit_bzero(auth, n);
		free(auth);
	}
	/* POST without a body too: libcurl would otherwise say it is a form. */
	if (!rc && (rq->body || strcmp(rq->method, "GET"))) {
		snprintf(line, sizeof line, "Content-Type: %s",
			 rq->content_type ? rq->content_type : "application/json");
		rc = add_header(&list, line);
	}
	/* No "Expect: 100-continue" round trip for our small bodies. */
	if (!rc)
		rc = add_header(&list, "Expect:");
	for (size_t i = 0; !rc && rq->headers && rq->headers[i]; i++)
		rc = add_header(&list, rq->headers[i]);
	if (rc) {
		http_slist_wipe_free(list);
		return -1;
	}
	x->req_headers = list;
	return 0;
}

static bool is_https(const char *url)
{
	return !strncasecmp(url, "https://", 8);
}

int http_exchange_prepare(struct http_exchange *x, const struct http_request *rq, char *err,
			  size_t errlen)
{
	CURL *e;
	long connect_ms;

	if (http_global_init(err, errlen))
		return -1;
	http_exchange_reset(x);
	if (!x->easy) {
		x->easy = curl_easy_init();
		if (!x->easy)
			return errf(err, errlen, "libcurl could not create a transfer (out of memory?)");
	} else {
		curl_easy_reset(x->easy);
	}
	e = x->easy;
	x->url = strdup(rq->url);
	if (!x->url || build_headers(x, rq))
		return errf(err, errlen, "out of memory");
	x->timeout_ms = rq->timeout_ms > 0 ? rq->timeout_ms : 30000;
	connect_ms = x->timeout_ms < HTTP_CONNECT_TIMEOUT_MS ? x->timeout_ms : HTTP_CONNECT_TIMEOUT_MS;
	x->errbuf[0] = '\0';

	curl_easy_setopt(e, CURLOPT_URL, x->url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/* Wait for a connection that may multiplex (HTTP/2) rather than open
	 * one per request; plain http (the simulator) is HTTP/1.1 anyway. */
	if (is_https(x->url))
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, x->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	if (rq->user_agent)
		curl_easy_setopt(e, CURLOPT_USERAGENT, rq->user_agent);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->req_headers);
	if (rq->share)
		curl_easy_setopt(e, CURLOPT_SHARE, rq->share);
	if (rq->no_proxy)
		curl_easy_setopt(e, CURLOPT_NOPROXY, "*");

	if (!strcmp(rq->method, "GET")) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else {
		if (strcmp(rq->method, "POST"))
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, rq->method);
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(rq->body ? rq->body_len : 0));
	}
	return 0;
}

CURLcode http_exchange_perform(struct http_exchange *x)
{
	return curl_easy_perform(x->easy);
}

long http_exchange_status(struct http_exchange *x)
{
	long status = 0;

	if (x->easy)
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

char *http_exchange_take_body(struct http_exchange *x, size_t *len)
{
	char *b = x->body;

	*len = x->body_len;
	x->body = NULL;
	x->body_len = x->body_cap = 0;
	if (b && *len == 0) {
		free(b);
		b = NULL;
	}
	return b;
}

void http_exchange_reset(struct http_exchange *x)
{
	http_slist_wipe_free(x->req_headers);
	x->req_headers = NULL;
	if (x->body && x->sensitive)
		explicit_bzero(x->body, x->body_cap);
	free(x->body);
	x->body = NULL;
	x->body_len = x->body_cap = 0;
	x->body_too_big = false;
	clear_headers(&x->resp);
	free(x->url);
	x->url = NULL;
}

void http_exchange_free(struct http_exchange *x)
{
	http_exchange_reset(x);
	if (x->easy)
		curl_easy_cleanup(x->easy);
	x->easy = NULL;
}

/* ---- errors --------------------------------------------------------- */

bool http_curl_transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return true;
	default:
		return false;
	}
}

bool http_status_transient(long status)
{
	return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

void http_transport_error(const struct http_exchange *x, CURLcode rc, char *code, size_t codelen,
			  char *msg, size_t msglen)
{
	char host[256];
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);

	http_url_host(x->url ? x->url : "", host, sizeof host);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT: {
		long sent = 0;

		if (x->easy)
			curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &sent);
		str_copy(code, "Timeout", codelen);
		if (sent > 0)
			snprintf(msg, msglen, "no answer from %s within %ld ms", host, x->timeout_ms);
		else
			snprintf(msg, msglen, "could not reach %s within %ld ms", host,
				 x->timeout_ms < HTTP_CONNECT_TIMEOUT_MS ? x->timeout_ms
									 : HTTP_CONNECT_TIMEOUT_MS);
		break;
	}
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		str_copy(code, "ConnectionFailed", codelen);
		snprintf(msg, msglen, "cannot resolve %s: %s", host, detail);
		break;
	case CURLE_COULDNT_CONNECT:
		str_copy(code, "ConnectionFailed", codelen);
		snprintf(msg, msglen, "cannot connect to %s: %s", host, detail);
		break;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		str_copy(code, "ConnectionFailed", codelen);
		snprintf(msg, msglen, "the connection to %s broke: %s", host, detail);
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CIPHER:
		str_copy(code, "TlsFailed", codelen);
		snprintf(msg, msglen, "TLS with %s failed: %s", host, detail);
		break;
	case CURLE_WRITE_ERROR:
		if (x->body_too_big) {
			str_copy(code, "TooLarge", codelen);
			snprintf(msg, msglen, "the answer from %s is larger than %u MiB", host,
				 HTTP_MAX_BODY / (1024 * 1024));
			break;
		}
		/* fall through */
	default:
		str_copy(code, "TransportError", codelen);
		snprintf(msg, msglen, "request to %s failed: %s", host, detail);
		break;
	}
}

/* ---- ids and URLs --------------------------------------------------- */

int http_new_guid(char out[HTTP_GUID_LEN])
{
	unsigned char b[16];
	size_t got = 0;

	while (got < sizeof b) {
		ssize_t r = getrandom(b + got, sizeof b - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			out[0] = '\0';
			return -1;
		}
		got += (size_t)r;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, HTTP_GUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
	return 0;
}

bool http_url_is_absolute(const char *url)
{
	return !strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8);
}

/* Scheme, host and port, lower case, with the scheme's default port. */
static bool origin_of(const char *url, char *out, size_t outlen)
{
	const char *p, *end;
	size_t scheme_len, n;
	bool tls;
	char *o;

	if (!http_url_is_absolute(url))
		return false;
	tls = is_https(url);
	scheme_len = tls ? 8 : 7;
	p = url + scheme_len;
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p))) /* user info: refuse */
		return false;
	n = (size_t)(end - p);
	if (n == 0 || n + scheme_len + 8 >= outlen)
		return false;
	o = out;
	memcpy(o, tls ? "https://" : "http://", scheme_len);
	o += scheme_len;
	for (size_t i = 0; i < n; i++)
		*o++ = (char)tolower((unsigned char)p[i]);
	*o = '\0';
	/* Add the default port when none is given (not after an IPv6 ']'). */
	{
		const char *colon = strrchr(out + scheme_len, ':');
		const char *bracket = strrchr(out + scheme_len, ']');

		if (!colon || (bracket && bracket > colon))
			strcat(out, tls ? ":443" : ":80");
	}
	return true;
}

bool http_same_origin(const char *a, const char *b)
{
	char oa[512], ob[512];

	return origin_of(a, oa, sizeof oa) && origin_of(b, ob, sizeof ob) && !strcmp(oa, ob);
}

void http_url_host(const char *url, char *out, size_t outlen)
{
	const char *p = url;
	size_t n;

	if (!strncasecmp(p, "http://", 7))
		p += 7;
	else if (!strncasecmp(p, "https://", 8))
		p += 8;
	n = strcspn(p, "/?#");
	if (memchr(p, '@', n)) {
		const char *at = memchr(p, '@', n);
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

char *http_url_resolve(const char *base, const char *ref)
{
	const char *p;
	size_t origin_len, n;
	char *out;

	if (http_url_is_absolute(ref))
		return strdup(ref);
	if (ref[0] != '/' || ref[1] == '/' || !http_url_is_absolute(base))
		return NULL;
	p = base + (is_https(base) ? 8 : 7);
	origin_len = (size_t)(p - base) + strcspn(p, "/?#");
	n = origin_len + strlen(ref) + 1;
	out = malloc(n);
	if (!out)
		return NULL;
	memcpy(out, base, origin_len);
	memcpy(out + origin_len, ref, strlen(ref) + 1);
	return out;
}

bool http_url_has_api_version(const char *url)
{
	const char *q = strchr(url, '?');

	while (q) {
		q++;
		if (!strncasecmp(q, "api-version=", 12))
			return true;
		q = strchr(q, '&');
	}
	return false;
}
