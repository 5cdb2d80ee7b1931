/* odbc-query: run one SQL statement through unixODBC and print the result,
 * so integration tests read the simulator's SQLite files the way the
 * console does (SQLite ODBC driver, bound parameters).
 *
 *   odbc-query [--timeout-ms N] CONNSTR SQL [PARAM...]
 *
 * Rows go to stdout as tab-separated columns after a "#name\tname" header;
 * NULL prints as NULL. A statement without a result set prints
 * "# rows affected: N". Errors print "SQLSTATE native message" lines to
 * stderr and exit 1; bad usage exits 2. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <sql.h>
#include <sqlext.h>

struct handles {
	SQLHENV env;
	SQLHDBC dbc;
	SQLHSTMT stmt;
	int connected;
};

struct params {
	char **values;
	SQLLEN *ind;
	int n;
};

static void usage(void)
{
	fputs("usage: odbc-query [--timeout-ms N] CONNSTR SQL [PARAM...]\n"
	      "  PARAM binds as SQL_VARCHAR; the word NULL binds SQL NULL\n",
	      stderr);
}

static void print_diag(SQLSMALLINT type, SQLHANDLE h)
{
	SQLCHAR state[6], msg[2048];
	SQLINTEGER native;
	SQLSMALLINT len;
	SQLSMALLINT i;

	for (i = 1;; i++) {
		SQLRETURN rc = SQLGetDiagRec(type, h, i, state, &native, msg,
					     (SQLSMALLINT)sizeof(msg), &len);
		if (!SQL_SUCCEEDED(rc))
			break;
		fprintf(stderr, "%s %ld %s\n", (char *)state, (long)native, (char *)msg);
	}
	if (i == 1)
		fputs("HY000 0 unknown ODBC error (no diagnostic record)\n", stderr);
}

static void free_handles(struct handles *h)
{
	if (h->stmt)
		SQLFreeHandle(SQL_HANDLE_STMT, h->stmt);
	if (h->connected)
		SQLDisconnect(h->dbc);
	if (h->dbc)
		SQLFreeHandle(SQL_HANDLE_DBC, h->dbc);
	if (h->env)
		SQLFreeHandle(SQL_HANDLE_ENV, h->env);
	h->stmt = h->dbc = h->env = NULL;
	h->connected = 0;
}

static void on_timeout(int sig)
{
	static const char msg[] = "HYT00 0 odbc-query: timeout expired\n";
	ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);

	(void)sig;
	(void)ignored;
	_exit(1);
}

/* A watchdog for the whole run, so a hung driver never hangs a test. */
static int arm_watchdog(long ms)
{
	struct sigaction sa;
	struct itimerval it;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timeout;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		return -1;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	return setitimer(ITIMER_REAL, &it, NULL);
}

static int connect_db(struct handles *h, const char *connstr, long timeout_ms)
{
	SQLRETURN rc;

	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &h->env))) {
		fputs("HY001 0 cannot allocate an ODBC environment\n", stderr);
		return -1;
	}
	rc = SQLSetEnvAttr(h->env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	if (!SQL_SUCCEEDED(rc)) {
		print_diag(SQL_HANDLE_ENV, h->env);
		return -1;
	}
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, h->env, &h->dbc))) {
		print_diag(SQL_HANDLE_ENV, h->env);
		return -1;
	}
	if (timeout_ms > 0)
		SQLSetConnectAttr(h->dbc, SQL_ATTR_LOGIN_TIMEOUT,
				  (SQLPOINTER)(SQLULEN)((timeout_ms + 999) / 1000), 0);
	rc = SQLDriverConnect(h->dbc, NULL, (SQLCHAR *)connstr, SQL_NTS, NULL, 0, NULL,
			      SQL_DRIVER_NOPROMPT);
	if (!SQL_SUCCEEDED(rc)) {
		print_diag(SQL_HANDLE_DBC, h->dbc);
		return -1;
	}
	h->connected = 1;
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, h->dbc, &h->stmt))) {
		print_diag(SQL_HANDLE_DBC, h->dbc);
		return -1;
	}
	return 0;
}

static int bind_params(struct handles *h, struct params *p)
{
	int i;

	for (i = 0; i < p->n; i++) {
		char *v = p->values[i];
		int is_null = strcmp(v, "NULL") == 0;
		SQLULEN size = is_null ? 1 : strlen(v);
		SQLRETURN rc;

		p->ind[i] = is_null ? SQL_NULL_DATA : SQL_NTS;
		rc = SQLBindParameter(h->stmt, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT, SQL_C_CHAR,
				      SQL_VARCHAR, size ? size : 1, 0, is_null ? NULL : v, 0,
				      &p->ind[i]);
		if (!SQL_SUCCEEDED(rc)) {
			print_diag(SQL_HANDLE_STMT, h->stmt);
			return -1;
		}
	}
	return 0;
}

static int print_header(SQLHSTMT stmt, SQLSMALLINT ncols)
{
	SQLSMALLINT i;

	for (i = 1; i <= ncols; i++) {
		SQLCHAR name[256];
		SQLSMALLINT len, type, digits, nullable;
		SQLULEN size;

		if (!SQL_SUCCEEDED(SQLDescribeCol(stmt, (SQLUSMALLINT)i, name, sizeof(name), &len,
						  &type, &size, &digits, &nullable))) {
			print_diag(SQL_HANDLE_STMT, stmt);
			return -1;
		}
		printf("%s%s", i == 1 ? "#" : "\t", (char *)name);
	}
	putchar('\n');
	return 0;
}

/* Print one column, reading long values in pieces. */
static int print_column(SQLHSTMT stmt, SQLSMALLINT col)
{
	char buf[1024];
	SQLLEN ind;

	for (;;) {
		SQLRETURN rc = SQLGetData(stmt, (SQLUSMALLINT)col, SQL_C_CHAR, buf, sizeof(buf), &ind);

		if (rc == SQL_NO_DATA)
			return 0;
		if (!SQL_SUCCEEDED(rc)) {
			print_diag(SQL_HANDLE_STMT, stmt);
			return -1;
		}
		if (ind == SQL_NULL_DATA) {
			fputs("NULL", stdout);
			return 0;
		}
		fputs(buf, stdout);
		if (rc == SQL_SUCCESS)
			return 0;
	}
}

static int print_rows(SQLHSTMT stmt, SQLSMALLINT ncols)
{
	SQLRETURN rc;

	if (print_header(stmt, ncols) != 0)
		return -1;
	while ((rc = SQLFetch(stmt)) != SQL_NO_DATA) {
		SQLSMALLINT i;

		if (!SQL_SUCCEEDED(rc)) {
			print_diag(SQL_HANDLE_STMT, stmt);
			return -1;
		}
		for (i = 1; i <= ncols; i++) {
			if (i > 1)
				putchar('\t');
			if (print_column(stmt, i) != 0)
				return -1;
		}
		putchar('\n');
	}
	return 0;
}

static int run(struct handles *h, const char *sql, struct params *p)
{
	SQLSMALLINT ncols = 0;
	SQLLEN rows = 0;
	SQLRETURN rc;

	if (!SQL_SUCCEEDED(SQLPrepare(h->stmt, (SQLCHAR *)sql, SQL_NTS))) {
		print_diag(SQL_HANDLE_STMT, h->stmt);
		return -1;
	}
	if (bind_params(h, p) != 0)
		return -1;
	rc = SQLExecute(h->stmt);
	if (rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc)) {
		print_diag(SQL_HANDLE_STMT, h->stmt);
		return -1;
	}
	if (!SQL_SUCCEEDED(SQLNumResultCols(h->stmt, &ncols))) {
		print_diag(SQL_HANDLE_STMT, h->stmt);
		return -1;
	}
	if (ncols > 0)
		return print_rows(h->stmt, ncols);
	if (rc != SQL_NO_DATA && !SQL_SUCCEEDED(SQLRowCount(h->stmt, &rows))) {
		print_diag(SQL_HANDLE_STMT, h->stmt);
		return -1;
	}
	printf("# rows affected: %ld\n", (long)rows);
	return 0;
}

static int parse_timeout(const char *s, long *ms)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v <= 0)
		return -1;
	*ms = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct handles h = { 0 };
	struct params p = { 0 };
	long timeout_ms = 0;
	int argi = 1;
	int status;

	if (argc > 1 && strcmp(argv[1], "--timeout-ms") == 0) {
		if (argc < 3 || parse_timeout(argv[2], &timeout_ms) != 0) {
			usage();
			return 2;
		}
		argi = 3;
	}
	if (argc - argi < 2) {
		usage();
		return 2;
	}
	if (timeout_ms > 0 && arm_watchdog(timeout_ms) != 0) {
		perror("odbc-query: setitimer");
		return 1;
	}
	p.values = argv + argi + 2;
	p.n = argc - argi - 2;
	p.ind = calloc((size_t)p.n + 1, sizeof(*p.ind));
	if (!p.ind) {
		fputs("HY001 0 out of memory\n", stderr);
		return 1;
	}
	status = connect_db(&h, argv[argi], timeout_ms) == 0 &&
			 run(&h, argv[argi + 1], &p) == 0
		 ? 0
		 : 1;
	if (fflush(stdout) != 0)
		status = 1;
	free_handles(&h);
	free(p.ind);
	return status;
}
