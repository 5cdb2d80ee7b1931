/* Microsoft.Sql bodies: SQL Database failover groups and SQL Managed
 * Instance failover groups (api-version 2023-08-01 / 2025-01-01). */
#include <limits.h>
#include <string.h>

#include "core/arm_json.h"
#include "core/arm_parse.h"
#include "core/util.h"

#define PATH_MAX_LEN 256

#define MEMBER_SIZE(type, member) sizeof(((type *)0)->member)
_Static_assert(MEMBER_SIZE(struct arm_fog, replication_role) == ARM_WORD_MAX &&
		       MEMBER_SIZE(struct arm_fog, replication_state) == ARM_WORD_MAX &&
		       MEMBER_SIZE(struct arm_fog, failover_policy) == ARM_WORD_MAX &&
		       MEMBER_SIZE(struct arm_mi_fog, replication_role) == ARM_WORD_MAX &&
		       MEMBER_SIZE(struct arm_mi_fog, replication_state) == ARM_WORD_MAX &&
		       MEMBER_SIZE(struct arm_mi_fog, failover_policy) == ARM_WORD_MAX,
	       "read_group_common() writes ARM_WORD_MAX bytes");

/* Fields both kinds of failover group share: role (required), state and
 * the read-write endpoint's policy and grace period. The three strings
 * are ARM_WORD_MAX arrays. */
static int read_group_common(const struct json_object *props, const char *path, char *role,
			     char *state, char *policy, int *grace_minutes, char *err,
			     size_t errlen)
{
	char props_path[PATH_MAX_LEN];
	struct json_object *rw = arm_json_opt_object(props, "readWriteEndpoint");
	long long grace;

	arm_json_join(props_path, sizeof props_path, path, "properties");
	if (arm_json_req_string(props, props_path, "replicationRole", role, ARM_WORD_MAX, err,
				errlen))
		return -1;
	arm_json_opt_string(props, "replicationState", state, ARM_WORD_MAX);
	arm_json_opt_string(rw, "failoverPolicy", policy, ARM_WORD_MAX);
	*grace_minutes = -1;
	if (arm_json_opt_int(rw, "failoverWithDataLossGracePeriodMinutes", 0, INT_MAX, &grace))
		*grace_minutes = (int)grace;
	return 0;
}

static size_t array_length(const struct json_object *array)
{
	return array ? json_object_array_length(array) : 0;
}

/* ---- SQL Database failover groups ---------------------------------- */

static void read_partner_servers(const struct json_object *props, struct arm_fog *fog)
{
	struct json_object *partners = arm_json_opt_array(props, "partnerServers");

	for (size_t i = 0; i < array_length(partners) && fog->partner_count < ARM_MAX_PARTNERS;
	     i++) {
		struct json_object *src = json_object_array_get_idx(partners, i);
		struct arm_fog_partner *dst = &fog->partners[fog->partner_count];

		if (!json_object_is_type(src, json_type_object))
			continue;
		arm_json_opt_string(src, "id", dst->id, sizeof dst->id);
		arm_json_opt_string(src, "location", dst->location, sizeof dst->location);
		arm_json_opt_string(src, "replicationRole", dst->replication_role,
				    sizeof dst->replication_role);
		fog->partner_count++;
	}
}

static int parse_fog_object(const struct json_object *obj, const char *path, void *dst,
			    char *err, size_t errlen)
{
	struct arm_fog *fog = dst;
	struct json_object *props;

	fog->grace_minutes = -1;
	if (arm_json_req_string(obj, path, "name", fog->name, sizeof fog->name, err, errlen) ||
	    arm_json_req_object(obj, path, "properties", &props, err, errlen) ||
	    read_group_common(props, path, fog->replication_role, fog->replication_state,
			      fog->failover_policy, &fog->grace_minutes, err, errlen))
		return -1;
	arm_json_opt_string(obj, "id", fog->id, sizeof fog->id);
	arm_json_opt_string(obj, "location", fog->location, sizeof fog->location);
	read_partner_servers(props, fog);
	fog->database_count = array_length(arm_json_opt_array(props, "databases"));
	return 0;
}

static const struct arm_json_page_spec fog_page = {
	.item_size = sizeof(struct arm_fog),
	.parse_item = parse_fog_object,
	.free_item = NULL,
};

int arm_parse_fog(const char *body, size_t len, struct arm_fog *out, char *err, size_t errlen)
{
	if (!out)
		return errf(err, errlen, "internal error: no place to store the failover group");
	memset(out, 0, sizeof *out);
	if (arm_json_parse_single(body, len, parse_fog_object, out, err, errlen)) {
		memset(out, 0, sizeof *out);
		out->grace_minutes = -1;
		return -1;
	}
	return 0;
}

int arm_parse_fog_list(const char *body, size_t len, struct arm_fog_list *out, char *err,
		       size_t errlen)
{
	void *items;
	int rc;

	if (!out)
		return errf(err, errlen, "internal error: no place to store the list");
	rc = arm_json_parse_page(body, len, &fog_page, &items, &out->count, out->next_link,
				 sizeof out->next_link, err, errlen);
	out->items = items;
	return rc;
}

void arm_fog_list_free(struct arm_fog_list *list)
{
	if (!list)
		return;
	arm_json_free_items(list->items, list->count, &fog_page);
	list->items = NULL;
	list->count = 0;
	list->next_link[0] = '\0';
}

/* ---- SQL Managed Instance failover groups -------------------------- */

static void read_partner_regions(const struct json_object *props, struct arm_mi_fog *fog)
{
	struct json_object *partners = arm_json_opt_array(props, "partnerRegions");

	for (size_t i = 0;
	     i < array_length(partners) && fog->partner_region_count < ARM_MAX_PARTNERS; i++) {
		struct json_object *src = json_object_array_get_idx(partners, i);
		struct arm_region_partner *dst = &fog->partner_regions[fog->partner_region_count];

		if (!json_object_is_type(src, json_type_object))
			continue;
		arm_json_opt_string(src, "location", dst->location, sizeof dst->location);
		arm_json_opt_string(src, "replicationRole", dst->replication_role,
				    sizeof dst->replication_role);
		fog->partner_region_count++;
	}
}

/* Only one instance pair is supported by the service; read the first. */
static void read_instance_pair(const struct json_object *props, struct arm_mi_fog *fog)
{
	struct json_object *pairs = arm_json_opt_array(props, "managedInstancePairs");
	struct json_object *first = array_length(pairs) ? json_object_array_get_idx(pairs, 0) : NULL;

	arm_json_opt_string(first, "primaryManagedInstanceId", fog->primary_mi_id,
			    sizeof fog->primary_mi_id);
	arm_json_opt_string(first, "partnerManagedInstanceId", fog->partner_mi_id,
			    sizeof fog->partner_mi_id);
}

static int parse_mi_fog_object(const struct json_object *obj, const char *path, void *dst,
			       char *err, size_t errlen)
{
	struct arm_mi_fog *fog = dst;
	struct json_object *props;

	fog->grace_minutes = -1;
	if (arm_json_req_string(obj, path, "name", fog->name, sizeof fog->name, err, errlen) ||
	    arm_json_req_object(obj, path, "properties", &props, err, errlen) ||
	    read_group_common(props, path, fog->replication_role, fog->replication_state,
			      fog->failover_policy, &fog->grace_minutes, err, errlen))
		return -1;
	arm_json_opt_string(obj, "id", fog->id, sizeof fog->id);
	read_partner_regions(props, fog);
	read_instance_pair(props, fog);
	return 0;
}

static const struct arm_json_page_spec mi_fog_page = {
	.item_size = sizeof(struct arm_mi_fog),
	.parse_item = parse_mi_fog_object,
	.free_item = NULL,
};

int arm_parse_mi_fog(const char *body, size_t len, struct arm_mi_fog *out, char *err,
		     size_t errlen)
{
	if (!out)
		return errf(err, errlen, "internal error: no place to store the failover group");
	memset(out, 0, sizeof *out);
	if (arm_json_parse_single(body, len, parse_mi_fog_object, out, err, errlen)) {
		memset(out, 0, sizeof *out);
		out->grace_minutes = -1;
		return -1;
	}
	return 0;
}

int arm_parse_mi_fog_list(const char *body, size_t len, struct arm_mi_fog_list *out, char *err,
			  size_t errlen)
{
	void *items;
	int rc;

	if (!out)
		return errf(err, errlen, "internal error: no place to store the list");
	rc = arm_json_parse_page(body, len, &mi_fog_page, &items, &out->count, out->next_link,
				 sizeof out->next_link, err, errlen);
	out->items = items;
	return rc;
}

void arm_mi_fog_list_free(struct arm_mi_fog_list *list)
{
	if (!list)
		return;
	arm_json_free_items(list->items, list->count, &mi_fog_page);
	list->items = NULL;
	list->count = 0;
	list->next_link[0] = '\0';
}
