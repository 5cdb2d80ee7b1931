/* config_find: which configuration file to load (the search order is in
 * core/config.h). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* POSIX: stat */
#endif

#include "core/config.h"

#include "core/util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

static int found(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
	if (str_copy(out, path, outlen) >= outlen)
		return errf(err, errlen, "%s: path longer than %zu bytes", path, outlen - 1);
	return 0;
}

int config_find(const char *cli_path, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *env = getenv("SSISDR_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char user[CONFIG_PATH_MAX] = "";

	if (cli_path && *cli_path)
		return exists(cli_path) ? found(cli_path, out, outlen, err, errlen)
					: errf(err, errlen, "%s (from --config): %s", cli_path,
					       strerror(ENOENT));
	if (env && *env)
		return exists(env) ? found(env, out, outlen, err, errlen)
				   : errf(err, errlen, "%s (from SSISDR_CONFIG): %s", env,
					  strerror(ENOENT));
	if (xdg && xdg[0] == '/')
		snprintf(user, sizeof(user), "%s/ssisdr/ssisdr.conf", xdg);
	else if (home && home[0] == '/')
		snprintf(user, sizeof(user), "%s/.config/ssisdr/ssisdr.conf", home);
	if (*user && exists(user))
		return found(user, out, outlen, err, errlen);
	if (exists(CONFIG_SYSTEM_PATH))
		return found(CONFIG_SYSTEM_PATH, out, outlen, err, errlen);
	return errf(err, errlen,
		    "no configuration file; tried %s%s" CONFIG_SYSTEM_PATH
		    " (--config FILE and SSISDR_CONFIG were not given)",
		    user, *user ? " and " : "");
}
