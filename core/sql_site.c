/* The SQL side, continued (see sql.h): a reconnecting connection with
 * backoff, the datetimeoffset text parser and the diagnostics scrubber. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* timegm, strncasecmp, explicit_bzero */
#endif

#include "core/sql.h"

#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- reconnect with backoff ---- */

struct sql_site_db {
	char *connstr;
	struct secret password;
	long timeout_s;
	struct sql_conn *conn;
	int failures;      /* in a row */
	double retry_at;   /* no connect before this; 0: no backoff */
	double first_s, max_s;
	char last_error[MODEL_ERR_MAX];
};

struct sql_site_db *sql_site_db_new(const char *connstr, const struct secret *password,
				    long timeout_s)
{
	struct sql_site_db *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->connstr = strdup(connstr ? connstr : "");
	if (!db->connstr) {
		free(db);
		return NULL;
	}
	if (password)
		db->password = *password;
	db->timeout_s = timeout_s;
	db->first_s = 1;
	db->max_s = 60;
	return db;
}

void sql_site_db_free(struct sql_site_db *db)
{
	if (!db)
		return;
	sql_disconnect(db->conn);
	secret_clear(&db->password);
	free(db->connstr);
	explicit_bzero(db, sizeof(*db));
	free(db);
}

void sql_site_db_set_backoff(struct sql_site_db *db, double first_s, double max_s)
{
	db->first_s = first_s > 0 ? first_s : 0;
	db->max_s = max_s > db->first_s ? max_s : db->first_s;
}

double sql_site_db_retry_at(const struct sql_site_db *db)
{
	return db->retry_at;
}

static void backoff(struct sql_site_db *db, double now)
{
	double delay = db->first_s;
	int i;

	db->failures++;
	for (i = 1; i < db->failures && delay < db->max_s; i++)
		delay *= 2;
	if (delay > db->max_s)
		delay = db->max_s;
	db->retry_at = now + delay;
}

int sql_site_db_get(struct sql_site_db *db, double now, struct sql_conn **conn, char *err,
		    size_t errlen)
{
	*conn = NULL;
	if (db->conn) {
		/* no call failed on it since the last get: the backoff is over */
		db->failures = 0;
		db->retry_at = 0;
		*conn = db->conn;
		return 0;
	}
	if (db->retry_at > 0 && now < db->retry_at) {
		long wait = (long)(db->retry_at - now);

		if ((double)wait < db->retry_at - now)
			wait++; /* rounded up: never "waiting 0 s" */
		return errf(err, errlen, "waiting %ld s before reconnecting: %s", wait,
			    db->last_error);
	}
	if (sql_connect(&db->conn, db->connstr, &db->password, db->timeout_s, db->last_error,
			sizeof(db->last_error)) != 0) {
		db->conn = NULL;
		backoff(db, now);
		return errf(err, errlen, "%s", db->last_error);
	}
	*conn = db->conn;
	return 0;
}

void sql_site_db_failed(struct sql_site_db *db, double now)
{
	if (!db->conn)
		return;
	str_copy(db->last_error,
		 sql_conn_last_error(db->conn)[0] ? sql_conn_last_error(db->conn) : "the last call failed",
		 sizeof(db->last_error));
	sql_disconnect(db->conn);
	db->conn = NULL;
	backoff(db, now);
}

/* ---- datetimeoffset text ---- */

static const char *digits(const char *p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return NULL;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return p + n;
}

int sql_parse_time(const char *text, double *epoch)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = text;
	struct tm tm;
	int y, mo, d, h, mi, s, oh = 0, om = 0, sign = 0;
	double frac = 0, scale = 0.1;
	time_t t;

	if (!p)
		return -1;
	while (*p == ' ')
		p++;
	if (!(p = digits(p, 4, &y)) || *p++ != '-' || !(p = digits(p, 2, &mo)) || *p++ != '-' ||
	    !(p = digits(p, 2, &d)) || (*p != ' ' && *p != 'T') || !(p = digits(p + 1, 2, &h)) ||
	    *p++ != ':' || !(p = digits(p, 2, &mi)) || *p++ != ':' || !(p = digits(p, 2, &s)))
		return -1;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return -1;
		for (; isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	while (*p == ' ')
		p++;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (!(p = digits(p, 2, &oh)))
			return -1;
		if (*p == ':')
			p++;
		if (!(p = digits(p, 2, &om)))
			return -1;
	}
	while (*p == ' ')
		p++;
	if (*p || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    s > 60 || oh > 14 || om > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	t = timegm(&tm);
	if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
		return -1;
	*epoch = (double)t + frac - sign * (oh * 3600.0 + om * 60.0);
	return 0;
}

/* ---- scrubbing ---- */

struct out {
	char *p;
	size_t len, used;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len == 0)
		return;
	if (n > o->len - 1 - o->used)
		n = o->len - 1 - o->used;
	memcpy(o->p + o->used, s, n);
	o->used += n;
	o->p[o->used] = '\0';
}

/* At IN (a keyword boundary), "PWD=" or "Password=" (any case, blanks
 * around '='): the length up to the value, else 0. */
static size_t password_key(const char *in)
{
	static const char *const keys[] = { "PWD", "Password" };
	size_t i, k;

	for (i = 0; i < 2; i++) {
		k = strlen(keys[i]);
		if (strncasecmp(in, keys[i], k) == 0) {
			while (in[k] == ' ')
				k++;
			if (in[k] == '=') {
				k++;
				while (in[k] == ' ')
					k++;
				return k;
			}
		}
	}
	return 0;
}

/* The length of the value at IN: {braced, with }} for }} or up to ';'. */
static size_t value_length(const char *in)
{
	size_t n = 0;

	if (in[0] == '{') {
		for (n = 1; in[n]; n++) {
			if (in[n] == '}') {
				if (in[n + 1] == '}') {
					n++;
					continue;
				}
				return n + 1;
			}
		}
		return n;
	}
	while (in[n] && in[n] != ';' && in[n] != '\'' && in[n] != '"' && in[n] != '\n')
		n++;
	return n;
}

void sql_scrub(const char *in, const char *secret, const char *connstr, char *out, size_t outlen)
{
	size_t slen = secret ? strlen(secret) : 0, clen = connstr ? strlen(connstr) : 0;
	struct out o = { out, outlen, 0 };
	const char *p = in ? in : "";

	if (outlen)
		out[0] = '\0';
	if (slen < 3)
		slen = 0;
	while (*p) {
		size_t k;

		if (clen && strncmp(p, connstr, clen) == 0) {
			put(&o, "(connection string)", strlen("(connection string)"));
			p += clen;
			continue;
		}
		if (slen && strncmp(p, secret, slen) == 0) {
			put(&o, "***", 3);
			p += slen;
			continue;
		}
		if ((p == in || !isalnum((unsigned char)p[-1])) && (k = password_key(p)) > 0) {
			put(&o, p, k);
			p += k;
			put(&o, "***", 3);
			p += value_length(p);
			continue;
		}
		put(&o, p, 1);
		p++;
	}
}
