#!/bin/sh
# Syntax-check the T-SQL the console runs: every named statement of
# assets/sql/mssql.sql through `sqlfluff parse --dialect tsql`, one file per
# statement, so a failure names the statement. Prints TAP.
#
# The "?" parameter markers are not T-SQL: sqlfluff's placeholder templater
# (param_style question_mark) renders them as @p1, @p2, ... for the parse.
# The last test breaks a statement on purpose and expects sqlfluff to
# reject it, which proves that this lint can fail.
#
# Environment: SSISDR_TOP_SRCDIR (default: two levels above this script),
# SQLFLUFF (default: sqlfluff on PATH; "no" as configure writes it: skip).
set -u

top=${SSISDR_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
src=$top/assets/sql/mssql.sql
fluff=${SQLFLUFF:-}
if [ -z "$fluff" ] || [ "$fluff" = no ]; then
	fluff=$(command -v sqlfluff 2>/dev/null || true)
fi
if [ -z "$fluff" ] || ! "$fluff" --version >/dev/null 2>&1; then
	echo "1..0 # SKIP sqlfluff not installed"
	exit 0
fi
if [ ! -r "$src" ]; then
	echo "1..1"
	echo "not ok 1 - read $src"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ssisdr-tsql.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

{
	printf '[sqlfluff]\ndialect = tsql\ntemplater = placeholder\n\n'
	printf '[sqlfluff:templater:placeholder]\nparam_style = question_mark\n'
	i=1
	while [ $i -le 32 ]; do
		printf '%d = @p%d\n' $i $i
		i=$((i + 1))
	done
} >"$tmp/fluff.cfg"

# Split as core/sql_catalog.c does: "-- name: NAME" starts a statement,
# comment lines are not part of it, "-- unavailable: WHY" declares it absent.
# manifest: NUMBER NAME STATUS (sql | unavailable | empty)
awk -v dir="$tmp" '
function flush() {
	if (name == "")
		return
	status = unavailable ? "unavailable" : (body ~ /[^ \t\r\n;]/ ? "sql" : "empty")
	if (status == "sql") {
		printf "%s", body > (dir "/" n ".sql")
		close(dir "/" n ".sql")
	}
	print n, name, status > (dir "/manifest")
}
/^[ \t]*--[ \t]*name:/ {
	flush()
	n++
	name = $0
	sub(/^[ \t]*--[ \t]*name:[ \t]*/, "", name)
	sub(/[ \t\r]*$/, "", name)
	if (name == "")
		name = "(unnamed)"
	body = ""
	unavailable = 0
	next
}
/^[ \t]*--[ \t]*unavailable:/ { unavailable = 1; next }
/^[ \t]*--/ { next }
name != "" { sub(/\r$/, ""); body = body $0 "\n" }
END { flush(); close(dir "/manifest") }
' "$src"

# The deliberately broken statement.
printf 'SELEC role_desc\nFROM sys.dm_geo_replication_link_status\nWHERE partner_database = ?;\n' \
	>"$tmp/broken.sql"

[ -f "$tmp/manifest" ] || : >"$tmp/manifest"
count=$(wc -l <"$tmp/manifest")
count=$((count + 2))

# sqlfluff takes about half a second per file: run them side by side.
parse() {
	"$fluff" parse --ignore-local-config --config "$tmp/fluff.cfg" "$1" >"$1.log" 2>&1
	echo $? >"$1.rc"
}
while read -r n name status; do
	[ "$status" = sql ] && parse "$tmp/$n.sql" &
done <"$tmp/manifest"
parse "$tmp/broken.sql" &
wait

show_log() {
	sed -n '/PRS\|LXR\|TMP\|rror\|unparsable/p' "$1" | head -n 20 | sed 's/^/# /'
}

echo "1..$count"
t=0
failed=0
while read -r n name status; do
	t=$((t + 1))
	case $status in
	unavailable)
		echo "ok $t - $name # SKIP declared unavailable in T-SQL"
		;;
	empty)
		echo "not ok $t - $name: empty statement"
		failed=1
		;;
	*)
		rc=$(cat "$tmp/$n.sql.rc" 2>/dev/null || echo 99)
		if [ "$rc" = 0 ]; then
			echo "ok $t - $name parses as T-SQL"
		else
			echo "not ok $t - $name parses as T-SQL (sqlfluff exit $rc)"
			show_log "$tmp/$n.sql.log"
			failed=1
		fi
		;;
	esac
done <"$tmp/manifest"

t=$((t + 1))
if [ "$t" -gt 1 ]; then
	echo "ok $t - mssql.sql holds statements"
else
	echo "not ok $t - mssql.sql holds statements (no '-- name:' line)"
	failed=1
fi

t=$((t + 1))
rc=$(cat "$tmp/broken.sql.rc" 2>/dev/null || echo 0)
if [ "$rc" != 0 ] && grep -q 'unparsable\|PRS' "$tmp/broken.sql.log"; then
	echo "ok $t - sqlfluff rejects a broken statement (the lint can fail)"
else
	echo "not ok $t - sqlfluff rejects a broken statement (exit $rc)"
	show_log "$tmp/broken.sql.log"
	failed=1
fi
exit $failed
