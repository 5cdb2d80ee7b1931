/* The small functions every reader of the model needs (core/model.h). */
#include "core/model.h"

#include <float.h>

const char *model_role_name(enum model_role role)
{
	switch (role) {
	case ROLE_PRIMARY:
		return "primary";
	case ROLE_SECONDARY:
		return "secondary";
	case ROLE_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *severity_name(enum severity sev)
{
	switch (sev) {
	case SEV_OK:
		return "ok";
	case SEV_INFO:
		return "info";
	case SEV_WARNING:
		return "warning";
	case SEV_CRITICAL:
		return "critical";
	}
	return "unknown";
}

/* A clock that stepped back would make the age negative: that is "just read". */
double datum_age(const struct datum *d, double now)
{
	double age;

	if (d->read_at <= 0)
		return DBL_MAX;
	age = now - d->read_at;
	return age > 0 ? age : 0;
}

bool datum_ok(const struct datum *d)
{
	return d->read_at > 0 && d->error[0] == '\0';
}

double model_stale_after(long refresh, long request_timeout)
{
	return 3.0 * (double)(refresh < 1 ? 1 : refresh) + (double)(request_timeout > 0 ? request_timeout : 0);
}
