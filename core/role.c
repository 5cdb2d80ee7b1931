#include <config.h>

#include "core/role.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* "sql-east.database.windows.net" names server "sql-east"; a managed
 * instance host is "<mi>.<dns zone>.database.windows.net". Sovereign clouds
 * only change the suffix, so the first label decides. */
int role_site_of_endpoint(const struct config_pair *cp, const char *endpoint)
{
	const char *dot = strchr(endpoint, '.');
	size_t label = dot ? (size_t)(dot - endpoint) : strlen(endpoint);

	for (size_t s = 0; s < cp->nsites && s < 2; s++) {
		const char *name = cp->sites[s].sql.name;
		if (label && strlen(name) == label && !strncasecmp(endpoint, name, label))
			return (int)s;
	}
	return -1;
}

static enum model_role fog_role(const struct model_site *s)
{
	return s->fog.d.read_at > 0 ? s->fog.role : ROLE_UNKNOWN;
}

static enum model_role link_role(const struct model_site *s)
{
	return s->link.d.read_at > 0 && s->link.present ? s->link.role : ROLE_UNKNOWN;
}

static void derive_site(struct model_pair *pair, const struct config_pair *cp, int i)
{
	struct model_site *site = &pair->sites[i];
	const struct model_site *host;
	enum model_role fr, lr;
	int h = i;

	if (site->ir.d.read_at > 0 && site->ir.catalog_endpoint[0]) {
		h = role_site_of_endpoint(cp, site->ir.catalog_endpoint);
		if (h < 0) {
			site->role = ROLE_UNKNOWN;
			snprintf(site->role_basis, sizeof(site->role_basis),
				 "IR catalog endpoint %s is neither site's server", site->ir.catalog_endpoint);
			return;
		}
	}
	host = &pair->sites[h];
	fr = fog_role(host);
	lr = link_role(host);
	if (fr != ROLE_UNKNOWN) {
		site->role = fr;
		snprintf(site->role_basis, sizeof(site->role_basis), "failover group on %s: %s%s",
			 cp->sites[h].sql.name, model_role_name(fr),
			 lr == ROLE_UNKNOWN ? "" : lr == fr ? "; SSISDB agrees" : "; SSISDB DISAGREES");
	} else if (lr != ROLE_UNKNOWN) {
		site->role = lr;
		snprintf(site->role_basis, sizeof(site->role_basis),
			 "from SSISDB on %s only (failover group unreadable)", cp->sites[h].sql.name);
	} else {
		site->role = ROLE_UNKNOWN;
		snprintf(site->role_basis, sizeof(site->role_basis),
			 "neither the failover group nor SSISDB on %s could be read", cp->sites[h].sql.name);
	}
}

void role_derive(struct model_pair *pair, const struct config_pair *cp)
{
	for (int i = 0; i < 2; i++)
		derive_site(pair, cp, i);
}
