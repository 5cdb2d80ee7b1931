/* Rules about who holds the primary role and whether the IRs form a pair. */
#include "core/rule_impl.h"

#include <stdio.h>
#include <string.h>

/* Azure spells the failover group's role "Primary", SSISDB's role_desc "PRIMARY". */
static const char *fog_role_word(enum model_role role)
{
	return role == ROLE_PRIMARY ? "Primary" : role == ROLE_SECONDARY ? "Secondary" : "unknown";
}

static const char *link_role_word(enum model_role role)
{
	return role == ROLE_PRIMARY ? "PRIMARY" : role == ROLE_SECONDARY ? "SECONDARY" : "unknown";
}

static bool fog_says(const struct rule_run *run, const struct model_site *site, enum model_role role)
{
	return rule_fresh(run, &site->fog.d) && site->fog.role == role;
}

static bool link_says(const struct rule_run *run, const struct model_site *site, enum model_role role)
{
	return rule_fresh(run, &site->link.d) && site->link.present && site->link.role == role;
}

/* "the failover group fg-ssis", or without a name when ARM gave none. */
static void fog_label(char *buf, size_t len, const struct model_pair *pair)
{
	const char *name = pair->sites[0].fog.name[0] ? pair->sites[0].fog.name : pair->sites[1].fog.name;

	snprintf(buf, len, "the failover group%s%s", name[0] ? " " : "", name);
}

void rule_check_split_brain(struct rule_run *run)
{
	const struct model_site *a = &run->pair->sites[0], *b = &run->pair->sites[1];
	bool fog = fog_says(run, a, ROLE_PRIMARY) && fog_says(run, b, ROLE_PRIMARY);
	bool link = link_says(run, a, ROLE_PRIMARY) && link_says(run, b, ROLE_PRIMARY);
	char group[MODEL_NAME_MAX + 24], what[2 * MODEL_NAME_MAX + 160];

	if (!fog && !link)
		return;
	fog_label(group, sizeof(group), run->pair);
	if (fog)
		snprintf(what, sizeof(what), "%s reports Primary on both %s and %s%s", group, a->name,
			 b->name, link ? ", and both SSISDBs report PRIMARY" : "");
	else
		snprintf(what, sizeof(what), "SSISDB on both %s and %s reports PRIMARY "
			 "(sys.dm_geo_replication_link_status)", a->name, b->name);
	rule_emit(run, RULE_SPLIT_BRAIN, SEV_CRITICAL, NULL, "",
		  "Split brain: %s. Packages may run on both sides. A person must decide which side "
		  "keeps the primary role; ssisdr will not choose.", what);
}

void rule_check_role_mismatch(struct rule_run *run)
{
	char group[MODEL_NAME_MAX + 24];

	fog_label(group, sizeof(group), run->pair);
	for (int i = 0; i < 2; i++) {
		const struct model_site *s = &run->pair->sites[i];

		if (!rule_fresh(run, &s->fog.d) || !rule_fresh(run, &s->link.d) || !s->link.present)
			continue;
		if (s->fog.role == ROLE_UNKNOWN || s->link.role == ROLE_UNKNOWN || s->fog.role == s->link.role)
			continue;
		rule_emit(run, RULE_ROLE_MISMATCH, SEV_CRITICAL, s, "refresh",
			  "%s: %s says this site is %s, but SSISDB here says %s "
			  "(sys.dm_geo_replication_link_status). A failover may be under way: "
			  "refresh to read both again.",
			  s->name, group, fog_role_word(s->fog.role), link_role_word(s->link.role));
	}
}

/* The endpoint, unless the role basis already names it. */
static void endpoint_note(char *buf, size_t len, const struct model_site *s)
{
	const char *endpoint = s->ir.catalog_endpoint;

	if (endpoint[0] && strstr(s->role_basis, endpoint))
		buf[0] = '\0';
	else
		snprintf(buf, len, " Its SSISDB server endpoint is %s.", endpoint[0] ? endpoint : "not set");
}

/* Only when the role is unknown although the data it comes from was read:
 * missing data is the stale-data and site-unreachable rules' to report. */
void rule_check_ir_role_unknown(struct rule_run *run)
{
	char endpoint[sizeof(run->pair->sites[0].ir.catalog_endpoint) + 40];

	if (rule_fired(run, RULE_SPLIT_BRAIN, NULL))
		return;
	for (int i = 0; i < 2; i++) {
		const struct model_site *s = &run->pair->sites[i];
		bool group_read = rule_fresh(run, &s->fog.d) ||
				  (rule_fresh(run, &s->link.d) && s->link.present);

		if (s->role != ROLE_UNKNOWN || !rule_fresh(run, &s->ir.d) || !group_read)
			continue;
		if (rule_fired(run, RULE_ROLE_MISMATCH, s))
			continue;
		endpoint_note(endpoint, sizeof(endpoint), s);
		rule_emit(run, RULE_IR_ROLE_UNKNOWN, SEV_WARNING, s, "",
			  "%s: cannot tell whether IR %s has the primary or the secondary role (%s).%s "
			  "Checks that need the role (IR state, triggers, schedules) skip this site.",
			  s->name, s->ir.name, s->role_basis[0] ? s->role_basis : "no reason recorded",
			  endpoint);
	}
}

static void quoted_or_none(char *buf, size_t len, const char *name)
{
	if (name[0])
		snprintf(buf, len, "\"%s\"", name);
	else
		snprintf(buf, len, "none");
}

void rule_check_pair_name_mismatch(struct rule_run *run)
{
	const struct model_site *a = &run->pair->sites[0], *b = &run->pair->sites[1];
	char name_a[MODEL_NAME_MAX + 2], name_b[MODEL_NAME_MAX + 2];

	if (!rule_fresh(run, &a->ir.d) || !rule_fresh(run, &b->ir.d))
		return;
	if (a->ir.pair_name[0] && !strcmp(a->ir.pair_name, b->ir.pair_name))
		return;
	quoted_or_none(name_a, sizeof(name_a), a->ir.pair_name);
	quoted_or_none(name_b, sizeof(name_b), b->ir.pair_name);
	rule_emit(run, RULE_PAIR_NAME_MISMATCH, SEV_WARNING, NULL, "",
		  "The IRs are not one dual standby pair: %s (%s) has pair name %s and %s (%s) has %s. "
		  "Give both the same Dual standby pair name, or an SSISDB failover will not swap "
		  "their roles.",
		  a->ir.name, a->name, name_a, b->ir.name, b->name, name_b);
}
