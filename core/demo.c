#include <config.h>

#include "core/demo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SSISDR_BINDIR
#define SSISDR_BINDIR "/usr/local/bin"
#endif

/* Next to this program (installed: both in bindir), in the build tree
 * (tui/ssisdr and sim/ssisdr-sim), or the configured bindir. */
static int find_sim(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(out, len, "%s/ssisdr-sim", exe);
			if (access(out, X_OK) == 0)
				return 0;
			snprintf(out, len, "%s/../sim/ssisdr-sim", exe);
			if (access(out, X_OK) == 0)
				return 0;
		}
	}
	snprintf(out, len, "%s/ssisdr-sim", SSISDR_BINDIR);
	return access(out, X_OK);
}

static int read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	size_t n = 0;

	while (n + 1 < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, timeout_ms) <= 0 || read(fd, buf + n, 1) != 1)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

int demo_start(struct demo *d, const char *scenario, double time_scale, char *err, size_t errlen)
{
	char sim[PATH_MAX], scale[32], line[256];
	int out[2];
	const char *tmp = getenv("TMPDIR");

	memset(d, 0, sizeof(*d));
	if (find_sim(sim, sizeof(sim))) {
		snprintf(err, errlen, "--demo needs ssisdr-sim: not found next to this program nor in %s", SSISDR_BINDIR);
		return -1;
	}
	snprintf(d->dir, sizeof(d->dir), "%s/ssisdr-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(d->dir)) {
		snprintf(err, errlen, "--demo: cannot create a temporary directory: %s", strerror(errno));
		return -1;
	}
	snprintf(d->config, sizeof(d->config), "%s/ssisdr.conf", d->dir);
	snprintf(scale, sizeof(scale), "%g", time_scale);
	if (pipe2(out, O_CLOEXEC)) {
		snprintf(err, errlen, "--demo: pipe: %s", strerror(errno));
		return -1;
	}
	d->pid = fork();
	if (d->pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		/* the simulator dies with us, however we exit */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(out[1], STDOUT_FILENO);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		execl(sim, sim, "--scenario", scenario, "--listen", "127.0.0.1:0", "--dir", d->dir,
		      "--time-scale", scale, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	if (d->pid < 0 || read_line(out[0], line, sizeof(line), 10000) ||
	    sscanf(line, "ssisdr-sim ready %127s", d->url) != 1) {
		close(out[0]);
		snprintf(err, errlen, "--demo: ssisdr-sim (%s, scenario %s) did not start", sim, scenario);
		demo_stop(d);
		return -1;
	}
	close(out[0]);
	return 0;
}

static void remove_dir(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	if (!dh)
		return;
	while ((e = readdir(dh))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(dh);
	rmdir(dir);
}

void demo_stop(struct demo *d)
{
	if (d->pid > 0) {
		int status;

		kill(d->pid, SIGTERM);
		for (int i = 0; i < 50 && waitpid(d->pid, &status, WNOHANG) == 0; i++)
			usleep(100000);
		if (waitpid(d->pid, &status, WNOHANG) == 0) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, &status, 0);
		}
		d->pid = 0;
	}
	if (d->dir[0]) {
		remove_dir(d->dir);
		d->dir[0] = '\0';
	}
}
