/* Entra ID token responses (client credentials, IMDS, Azure CLI) and
 * Entra ID error bodies. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* explicit_bzero */
#endif

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arm_json.h"
#include "core/arm_parse.h"
#include "core/util.h"

#define MAX_LIFETIME_SECONDS (10LL * 366 * 24 * 3600)
#define MAX_EPOCH_SECONDS 253402300799LL /* 9999-12-31T23:59:59Z */

/* ---- Entra ID error bodies ----------------------------------------- */

static int parse_entra_object(const struct json_object *obj, const char *path, void *dst,
			      char *err, size_t errlen)
{
	struct arm_entra_error *e = dst;
	struct json_object *codes;
	long long code;

	if (arm_json_req_string(obj, path, "error", e->error, sizeof e->error, err, errlen))
		return -1;
	arm_json_opt_string(obj, "error_description", e->description, sizeof e->description);
	codes = arm_json_opt_array(obj, "error_codes");
	if (codes && json_object_array_length(codes) > 0 &&
	    json_object_is_type(json_object_array_get_idx(codes, 0), json_type_int)) {
		code = (long long)json_object_get_int64(json_object_array_get_idx(codes, 0));
		e->first_code = code;
	}
	return 0;
}

int arm_parse_entra_error(const char *body, size_t len, struct arm_entra_error *out, char *err,
			  size_t errlen)
{
	if (!out)
		return errf(err, errlen, "internal error: no place to store the error");
	memset(out, 0, sizeof *out);
	if (arm_json_parse_single(body, len, parse_entra_object, out, err, errlen)) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* ---- expiry --------------------------------------------------------- */

static bool parse_decimal(const char *s, size_t len, long long *out)
{
	long long n = 0;

	if (len == 0 || len > 18)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		n = n * 10 + (s[i] - '0');
	}
	*out = n;
	return true;
}

/* A whole number, as JSON number or as a string of digits (IMDS).
 * Returns 1 when read, 0 when absent, -1 when present but unusable. */
static int read_whole_number(const struct json_object *obj, const char *key, long long min,
			     long long max, long long *out, char *err, size_t errlen)
{
	struct json_object *value = arm_json_get(obj, key);
	long long n;

	if (!value)
		return 0;
	if (json_object_is_type(value, json_type_int)) {
		n = (long long)json_object_get_int64(value);
	} else if (json_object_is_type(value, json_type_string)) {
		if (!parse_decimal(json_object_get_string(value),
				   (size_t)json_object_get_string_len(value), &n))
			return errf(err, errlen, "%s: \"%.32s\" is not a whole number", key,
				    json_object_get_string(value));
	} else {
		return errf(err, errlen, "%s: expected a number or a numeric string, got %s", key,
			    arm_json_type_name(value));
	}
	if (n < min || n > max)
		return errf(err, errlen, "%s: %lld is out of range", key, n);
	*out = n;
	return 1;
}

/* Azure CLI expiresOn: local time "YYYY-MM-DD hh:mm:ss[.ffffff]". */
static int read_cli_local_time(const struct json_object *obj, time_t *out, char *err,
			       size_t errlen)
{
	struct json_object *value = arm_json_get(obj, "expiresOn");
	struct tm tm;
	int consumed = 0;
	const char *s;

	if (!value)
		return 0;
	if (!json_object_is_type(value, json_type_string))
		return errf(err, errlen, "expiresOn: expected a string, got %s",
			    arm_json_type_name(value));
	s = json_object_get_string(value);
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
	    (s[consumed] != '\0' && s[consumed] != '.') || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return errf(err, errlen, "expiresOn: \"%.40s\" is not a \"YYYY-MM-DD hh:mm:ss\" time",
			    s);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	if (*out == (time_t)-1)
		return errf(err, errlen, "expiresOn: \"%.40s\" is not a valid local time", s);
	return 1;
}

/* Relative expires_in (robust to clock skew) first, then absolute times. */
static int read_expiry(const struct json_object *obj, time_t now, time_t *expires_at, char *err,
		       size_t errlen)
{
	long long n;
	int found;

	found = read_whole_number(obj, "expires_in", 0, MAX_LIFETIME_SECONDS, &n, err, errlen);
	if (found > 0 && (long long)now > MAX_EPOCH_SECONDS - n)
		return errf(err, errlen, "expires_in: the clock reads %lld, too late to add %lld",
			    (long long)now, n);
	if (found > 0)
		*expires_at = now + (time_t)n;
	if (found != 0)
		return found < 0 ? -1 : 0;
	found = read_whole_number(obj, "expires_on", 1, MAX_EPOCH_SECONDS, &n, err, errlen);
	if (found > 0)
		*expires_at = (time_t)n;
	if (found != 0)
		return found < 0 ? -1 : 0;
	found = read_cli_local_time(obj, expires_at, err, errlen);
	if (found != 0)
		return found < 0 ? -1 : 0;
	return errf(err, errlen, "the token response has no expires_in, expires_on or expiresOn");
}

/* ---- tokens --------------------------------------------------------- */

/* -1 and a message when obj is an Entra ID error body, else 0. */
static int report_entra_error(const struct json_object *obj, char *err, size_t errlen)
{
	struct arm_entra_error e;

	memset(&e, 0, sizeof e);
	if (parse_entra_object(obj, "", &e, NULL, 0))
		return 0;
	return errf(err, errlen, "Entra ID refused the token request: %s: %s", e.error,
		    e.description[0] ? e.description : "(no description)");
}

static int copy_access_token(const struct json_object *obj, const char *key,
			     struct arm_token *out, char *err, size_t errlen)
{
	struct json_object *value;
	const char *token;
	size_t len;

	value = arm_json_get(obj, key);
	if (!json_object_is_type(value, json_type_string))
		return errf(err, errlen, "%s: expected a string, got %s", key,
			    arm_json_type_name(value));
	token = json_object_get_string(value);
	len = (size_t)json_object_get_string_len(value);
	if (len == 0)
		return errf(err, errlen, "%s: empty", key);
	if (len >= sizeof out->access_token)
		return errf(err, errlen, "%s: %zu bytes long, more than the %zu accepted", key, len,
			    sizeof out->access_token - 1);
	if (memchr(token, '\0', len))
		return errf(err, errlen, "%s: contains a NUL character", key);
	memcpy(out->access_token, token, len + 1);
	return 0;
}

static int read_token(enum arm_token_source source, const struct json_object *obj, time_t now,
		      struct arm_token *out, char *err, size_t errlen)
{
	bool cli = source == ARM_TOKEN_AZ_CLI;
	const char *token_key = cli ? "accessToken" : "access_token";

	if (source != ARM_TOKEN_CLIENT_CREDENTIALS && source != ARM_TOKEN_IMDS && !cli)
		return errf(err, errlen, "internal error: unknown token source %d", (int)source);
	if (!arm_json_get(obj, token_key)) {
		if (report_entra_error(obj, err, errlen))
			return -1;
		return errf(err, errlen, "%s: missing", token_key);
	}
	if (copy_access_token(obj, token_key, out, err, errlen) ||
	    read_expiry(obj, now, &out->expires_at, err, errlen))
		return -1;
	arm_json_opt_string(obj, cli ? "tokenType" : "token_type", out->token_type,
			    sizeof out->token_type);
	if (!out->token_type[0])
		str_copy(out->token_type, "Bearer", sizeof out->token_type);
	return 0;
}

/* json-c frees its strings without wiping them; wipe the secret ones first. */
static void wipe_secret_members(struct json_object *obj)
{
	static const char *const secrets[] = {"access_token", "accessToken", "refresh_token"};

	for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
		struct json_object *value = arm_json_get(obj, secrets[i]);

		if (json_object_is_type(value, json_type_string))
			explicit_bzero((char *)json_object_get_string(value),
				       (size_t)json_object_get_string_len(value));
	}
}

int arm_parse_token(enum arm_token_source source, const char *body, size_t len, time_t now,
		    struct arm_token *out, char *err, size_t errlen)
{
	struct json_object *root;
	int rc;

	if (!out)
		return errf(err, errlen, "internal error: no place to store the token");
	arm_token_clear(out);
	root = arm_json_parse_root(body, len, err, errlen);
	if (!root)
		return -1;
	rc = read_token(source, root, now, out, err, errlen);
	wipe_secret_members(root);
	json_object_put(root);
	if (rc)
		arm_token_clear(out);
	return rc;
}

void arm_token_clear(struct arm_token *token)
{
	if (token)
		explicit_bzero(token, sizeof *token);
}
