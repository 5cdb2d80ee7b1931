/* Which site holds the primary role. No ARM field says it: the IR's
 * catalogServerEndpoint names the server (or managed instance) that hosts
 * its SSISDB, and the failover group as that server reports it gives the
 * role; SSISDB's own sys.dm_geo_replication_link_status is the cross-check
 * (and the fallback when ARM cannot be read). */
#ifndef CORE_ROLE_H
#define CORE_ROLE_H

#include "core/config.h"
#include "core/model.h"

/* Index of the configured site whose server the endpoint host names, or -1. */
int role_site_of_endpoint(const struct config_pair *cp, const char *endpoint);
/* Fill site->role and site->role_basis for both sites of the pair. */
void role_derive(struct model_pair *pair, const struct config_pair *cp);

#endif
