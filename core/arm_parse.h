/* Parsers for Azure Resource Manager, Data Factory, Microsoft.Sql and
 * Entra ID response bodies.
 *
 * Conventions shared by every arm_parse_*():
 *  - The body is (body, len); it need not be NUL-terminated. NULL or empty
 *    bodies, truncated or invalid JSON, invalid UTF-8, trailing bytes after
 *    the JSON value, nesting deeper than ARM_JSON_MAX_DEPTH and non-object
 *    roots are all reported as errors.
 *  - Return 0 on success. On failure return -1 and write a message a person
 *    can act on into err (if err is not NULL), e.g.
 *    "properties.state: expected a string, got number".
 *  - *out is overwritten, never freed first: pass one that owns no memory
 *    (zeroed, or after its *_free()). After any return, success or failure,
 *    calling the matching *_free() on it is safe.
 *  - A required field that is missing or has the wrong type is an error.
 *    Optional fields of the wrong type read as absent, except nextLink and
 *    typeProperties.nodes, where a silent default would be misleading. */
#ifndef CORE_ARM_PARSE_H
#define CORE_ARM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/arm_model.h"

#define ARM_JSON_MAX_DEPTH 128
/* Upper bounds on what one body may hold; more is reported as an error. */
#define ARM_MAX_PAGE_ITEMS 10000
#define ARM_MAX_REFS 1000 /* pipelines per trigger, SSIS activities per pipeline */

/* Integration runtimes. Required: name, properties. */
int arm_parse_ir(const char *body, size_t len, struct arm_ir *out, char *err, size_t errlen);
int arm_parse_ir_list(const char *body, size_t len, struct arm_ir_list *out, char *err,
		      size_t errlen);
void arm_ir_list_free(struct arm_ir_list *list);

/* getStatus. Required: properties.state (or properties.typeProperties.state). */
int arm_parse_ir_status(const char *body, size_t len, struct arm_ir_status *out, char *err,
			size_t errlen);

/* Triggers. Required: name, properties. */
int arm_parse_trigger(const char *body, size_t len, struct arm_trigger *out, char *err,
		      size_t errlen);
void arm_trigger_free(struct arm_trigger *trigger);
int arm_parse_trigger_list(const char *body, size_t len, struct arm_trigger_list *out, char *err,
			   size_t errlen);
void arm_trigger_list_free(struct arm_trigger_list *list);

/* Pipelines. Required: name, properties. */
int arm_parse_pipeline(const char *body, size_t len, struct arm_pipeline *out, char *err,
		       size_t errlen);
void arm_pipeline_free(struct arm_pipeline *pipeline);
int arm_parse_pipeline_list(const char *body, size_t len, struct arm_pipeline_list *out,
			    char *err, size_t errlen);
void arm_pipeline_list_free(struct arm_pipeline_list *list);
/* True when the pipeline has at least one ExecuteSSISPackage activity. */
bool arm_pipeline_is_ssis(const struct arm_pipeline *pipeline);

/* SQL Database failover groups. Required: name, properties.replicationRole. */
int arm_parse_fog(const char *body, size_t len, struct arm_fog *out, char *err, size_t errlen);
int arm_parse_fog_list(const char *body, size_t len, struct arm_fog_list *out, char *err,
		       size_t errlen);
void arm_fog_list_free(struct arm_fog_list *list);

/* Managed instance failover groups. Required: name, properties.replicationRole. */
int arm_parse_mi_fog(const char *body, size_t len, struct arm_mi_fog *out, char *err,
		     size_t errlen);
int arm_parse_mi_fog_list(const char *body, size_t len, struct arm_mi_fog_list *out, char *err,
			  size_t errlen);
void arm_mi_fog_list_free(struct arm_mi_fog_list *list);

/* ARM error body: {"error":{code,message,target,details}} or the older
 * top-level {code,message}. Fails when the body has no error code. */
int arm_parse_error(const char *body, size_t len, struct arm_error *out, char *err,
		    size_t errlen);
/* Always fills *out for a failed HTTP exchange: from an ARM or Entra ID
 * error body when there is one, otherwise code "" and a message such as
 * "HTTP 502 with a body that is not an ARM error (first 80 bytes: ...)". */
void arm_error_from_http(long http_status, const char *body, size_t len, struct arm_error *out);

/* Azure-AsyncOperation poll body. Required: status. */
int arm_parse_async_op(const char *body, size_t len, struct arm_async_op *out, char *err,
		       size_t errlen);
/* Succeeded, Failed, Canceled (or Cancelled), ignoring case. */
bool arm_async_status_is_terminal(const char *status);
/* Succeeded, ignoring case. */
bool arm_async_status_succeeded(const char *status);

/* Entra ID token response of the given shape. The expiry becomes absolute
 * using the caller's `now`: expires_in (number or numeric string) first,
 * else expires_on (epoch, number or string), else the CLI's expiresOn
 * (local time "YYYY-MM-DD hh:mm:ss[.ffffff]"). A token longer than
 * ARM_TOKEN_MAX - 1 bytes is an error. An Entra error body is reported in
 * err as "<error>: <error_description>". *out is wiped on failure; wipe it
 * with arm_token_clear() after use. The caller still owns and must wipe
 * `body`. */
int arm_parse_token(enum arm_token_source source, const char *body, size_t len, time_t now,
		    struct arm_token *out, char *err, size_t errlen);
void arm_token_clear(struct arm_token *token);

/* Entra ID error body. Required: error. */
int arm_parse_entra_error(const char *body, size_t len, struct arm_entra_error *out, char *err,
			  size_t errlen);

#endif
