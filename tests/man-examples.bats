#!/usr/bin/env bats
# The manuals' examples are things users copy: every JSON text shown in a
# literal display (.Bd -literal ... .Ed) of a man page must parse, every
# command of every page's EXAMPLES section must run and exit 0, and every
# page passes mandoc's lint.

load test_helper

# Prints "page:line<TAB>json" for each JSON object in a literal display:
# the text from the first {" to the last } of the line, with mdoc's \e
# (a backslash) undone.
literal_json() {
	awk '
	/^\.Bd .*-literal/ { lit = 1; next }
	/^\.Ed/ { lit = 0; next }
	lit && index($0, "{\"") {
		s = substr($0, index($0, "{\""))
		sub(/}[^}]*$/, "}", s)
		gsub(/\\e/, "\\", s)
		print FILENAME ":" FNR "\t" s
	}' "$@"
}

@test "man: every JSON text in a literal display parses" {
	literal_json "$TOP"/man/* > "$BATS_TEST_TMPDIR/json"
	n=0 bad=""
	while IFS="$(printf '\t')" read -r where text; do
		n=$((n + 1))
		printf '%s' "$text" | jq -e . > /dev/null 2>&1 || bad="$bad
$where: $text"
	done < "$BATS_TEST_TMPDIR/json"
	[ -z "$bad" ] || fail "JSON that does not parse:$bad"
	[ "$n" -ge 2 ] || fail "only $n JSON examples found"
}

@test "man: the check finds a broken JSON example" {
	printf '.Bd -literal\n{"user_id":1, n_recs:2}\n.Ed\n' > "$BATS_TEST_TMPDIR/x.1"
	run literal_json "$BATS_TEST_TMPDIR/x.1"
	assert_output --partial '{"user_id":1, n_recs:2}'
	run jq -e . <<< '{"user_id":1, n_recs:2}'
	assert_failure
}

@test "man: every page passes mandoc -Tlint" {
	run mandoc -Tlint -W warning "$TOP"/man/*
	assert_success
	assert_output ''
}

# ---- the commands of EXAMPLES ---------------------------------------------
# Each page's EXAMPLES commands (its .Bd -literal displays and .Dl lines,
# mdoc escapes undone) run in order, as a reader following the page would,
# in a fresh copy of a small world: ev-synth data (3000 events, seed 1) in
# data/ and beside it (plain and .gz), the pipeline's artifacts made by
# hand from it (items.tsv, train.tsv, test.tsv, popular.tsv, matrix.bin,
# als.model with 50 factors, als-recs.tsv, naive-recs.tsv, recs.db,
# sims.bin), a damaged export.csv, a CRLF items-edited.tsv, and a clone's
# pipeline.mk and scripts/ with one published run in build/.  The
# environment points pipeline.mk at the programs under test (BIN) and makes
# its fits short (ITERATIONS=2, a default the commands may override);
# nothing else is changed: the commands run as printed.  Each must exit 0.
#
# In a display that shows prompts ("$ " or "# "), the prompted lines and
# their continuations (a line ending in \ | or &&, or inside for/while ...
# done) are the commands, the other lines the output shown.
#
# The allow-list: commands that cannot run in a test, each with the reason
# (PAGE<TAB>text the command contains<TAB>why).  An entry that matches no
# command fails the test, so the list cannot rot.
EXAMPLES_ALLOW='ev-synth.1	ev-synth -v -s 42 -o data	the full-size default data set: 0.9 GB of properties, a minute of CPU
ev-synth.1	ev-synth --no-props -o data	the full-size events (2.76M, 94 MB) with only the catalogue rows, 10 s of CPU (the snapshot after it reads the small data/)
ev-synth.1	make -f pipeline.mk DATA=data CUTOFF=2015-09-01	the pipeline on that full-size data set, minutes (recsys-ecom.7 and recsys-pipeline.7 run pipeline.mk on the small one)
recsys-ecom.7	ev-synth -s 7 --events 500000	500,000 events and their properties, 150 MB (the commands after it run on the small data/)
rec-blend.1	rec-serve --listen 127.0.0.1:8080	a server in the foreground on a fixed port (rec-serve.bats serves on free ports)
rec-rebuild.8	30 0 * * * cd /srv/	a crontab line, not a shell command (rec-rebuild itself runs in the next example)
rec-rebuild.8	rec-serve --listen 127.0.0.1:8080	a server in the foreground on a fixed port
recsys-pipeline.7	rec-serve --listen 127.0.0.1:8080	a server in the foreground on a fixed port
rec-rollout.8	rec-serve -l 127.0.0.1:1808	replicas on fixed ports with stores in /srv (rec-rollout.bats runs this set-up on free ports)
rec-rollout.8	haproxy -f scripts/serve/haproxy.cfg	HAProxy in front of those replicas, on fixed ports (rec-rollout.bats)
rec-rollout.8	rec-rollout -v new.db	needs the replicas and HAProxy above (rec-rollout.bats)
rec-runs.1	mlflow ui	a web server, and MLflow is not a dependency
rec-serve.8	rec-serve -l 127.0.0.1:8080 -w 2 -m /run/	a server in the foreground on a fixed port, counters in /run (rec-serve.bats)
rec-serve.8	curl -d	needs the server above (rec-serve.bats posts this body)
rec-serve.8	tcpserver -R -H -l 0 127.0.0.1 8080	a server on a fixed port (rec-serve.bats runs rec-serve under tcpserver)
rec-serve.8	systemctl enable --now	root and systemd as init'

# examples_script ALLOWFILE PAGE...: for each page, a shell script that runs
# its EXAMPLES commands in order, each through "ex PAGE:LINE <<text",
# allow-listed ones through "skip PAGE:LINE WHY"; "#allow N" marks the use
# of allow-list entry N.
examples_script() {
	awk -v allowfile="$1" '
	function unescape(s) {
		gsub(/\\&/, "", s); gsub(/\\-/, "-", s)
		gsub(/\\\(aq/, "\047", s); gsub(/\\\(dq/, "\"", s)
		gsub(/\\e/, "\\", s)
		return s
	}
	function flush(   i, why) {
		if (cmd == "") return
		why = ""
		for (i = 1; i <= na; i++)
			if (apage[i] == page && index(cmd, apat[i])) {
				why = awhy[i]; print "#allow " i
			}
		gsub(/\047/, "\047\\\047\047", why)
		if (why != "")
			printf "skip %s:%d \047%s\047\n", page, cmdline, why
		else
			printf "ex %s:%d <<\047__EXAMPLE__\047\n%s\n__EXAMPLE__\n%s\nex_end \"${PIPESTATUS[@]}\"\n", page, cmdline, cmd, cmd
		cmd = ""; depth = 0
	}
	function add(s, ln) {
		if (cmd == "") { cmd = s; cmdline = ln } else cmd = cmd "\n" s
		if (s ~ /^[ \t]*(for|while|until) /) depth++
		if (s ~ /^[ \t]*done([ \t;|&]|$)/) depth--
		more = depth > 0 || s ~ /(\\|\||&&)[ \t]*$/
		if (!more) flush()
	}
	BEGIN {
		FS = "\t"
		while ((getline l < allowfile) > 0) {
			split(l, f, "\t")
			na++; apage[na] = f[1]; apat[na] = f[2]; awhy[na] = f[3]
		}
		FS = " "
	}
	FNR == 1 { page = FILENAME; sub(/.*\//, "", page); ex = 0; lit = 0 }
	/^\.Sh / { ex = ($0 ~ /^\.Sh EXAMPLES/); next }
	!ex { next }
	/^\.Bd .*-literal/ { lit = 1; n = 0; next }
	lit && /^\.Ed/ {
		lit = 0; prompt = 0
		for (i = 1; i <= n; i++) if (line[i] ~ /^[$#] /) prompt = 1
		cmd = ""; depth = 0; more = 0
		for (i = 1; i <= n; i++) {
			s = line[i]
			if (prompt && !more) {
				if (s !~ /^[$#] /) continue
				s = substr(s, 3)
			}
			add(s, lno[i])
		}
		flush()
		next
	}
	lit { line[++n] = unescape($0); lno[n] = FNR; next }
	/^\.Dl / { cmd = ""; depth = 0; add(unescape(substr($0, 5)), FNR); flush() }
	' "${@:2}"
}

# The functions the scripts call: "ex WHERE <<text" notes the command and
# sends the output to files; the command follows in the script as it is
# (a variable it sets serves the next one), then "ex_end" reports to fd 3,
# with the end of its standard error, a command whose pipeline failed: the
# last stage not 0, or an earlier one neither 0 nor 141 (killed by SIGPIPE
# when a later "head" has read enough, as in a terminal).
EXAMPLES_PRELUDE='ex() {
	EX_WHERE=$1 EX_CMD=$(cat)
	exec 4>&1 5>&2 > "$EX_LOG.out" 2> "$EX_LOG.err"
}
ex_end() {
	local st=("$@") bad=0 i
	exec 1>&4 2>&5 4>&- 5>&-
	for ((i = 0; i < ${#st[@]}; i++)); do
		if ((i == ${#st[@]} - 1)); then
			[ "${st[i]}" -eq 0 ] || bad=1
		else
			[ "${st[i]}" -eq 0 ] || [ "${st[i]}" -eq 141 ] || bad=1
		fi
	done
	[ $bad -eq 0 ] || printf "%s: exit %s: %s\n%s\n" "$EX_WHERE" "${st[*]}" \
	    "$EX_CMD" "$(tail -n 5 "$EX_LOG.err")" >&3
}
skip() { :; }
'

# The world the examples run in (see above).
make_world() {
	local w=$1
	mkdir -p "$w" && cd "$w" || return 1
	ev-synth -s 1 --events 3000 -o data
	cp data/*.csv .
	gzip -k events.csv item_properties_part1.csv item_properties_part2.csv
	ln -s "$TOP/pipeline.mk" "$TOP/scripts" .
	catalog-snapshot --at 2015-09-01 --tree category_tree.csv -o items.tsv \
	    item_properties_part1.csv item_properties_part2.csv
	ev-filter --until 2015-09-01 --items items.tsv -o train.tsv events.csv
	ev-filter --from 2015-09-01 -o test.tsv events.csv
	pop-rank -i items.tsv -o popular.tsv train.tsv
	interactions-weight -o matrix.bin train.tsv
	als-fit -f 50 -i 3 -s 123 -o als.model matrix.bin
	als-recommend -n 50 -o als-recs.tsv als.model
	interactions-weight -w view=1,addtocart=1,transaction=0 -o naive.bin train.tsv
	als-fit -f 50 -i 3 -s 123 -o naive.model naive.bin
	als-recommend -n 50 -o naive-recs.tsv naive.model
	rec-blend -i items.tsv -p popular.tsv -r als-recs.tsv -c 2015-09-01 -o recs.db
	item-sim -o sims.bin train.tsv
	{ head -n 100 events.csv; echo '1433221332117,257597,view,not-an-item,'
	  tail -n +101 events.csv; } > export.csv
	sed 's/$/\r/' items.tsv > items-edited.tsv
	make -s -f pipeline.mk report publish > /dev/null
}

# The world is made where each page then runs, in a copy (cp -a keeps the
# mtimes pipeline.mk's keys read).
setup_file() {
	# The programs under test through a directory named bin, as a user's
	# clone has them: pages show "make -n | grep bin/...", and the
	# sanitizer build's directory is bin-san.
	mkdir -p "$BATS_FILE_TMPDIR/programs"
	ln -s "$RS_BIN" "$BATS_FILE_TMPDIR/programs/bin"
	export BIN="$BATS_FILE_TMPDIR/programs/bin" ITERATIONS=2
	EX_WORLD="$BATS_FILE_TMPDIR/world" EX_RUN="$BATS_FILE_TMPDIR/run"
	(make_world "$EX_RUN") > "$BATS_FILE_TMPDIR/world.log" 2>&1 ||
	    { cat "$BATS_FILE_TMPDIR/world.log" >&2; return 1; }
	mv "$EX_RUN" "$EX_WORLD"
	export EX_WORLD EX_RUN
}

@test "man: every command in EXAMPLES runs and exits 0 (allow-list aside)" {
	printf '%s\n' "$EXAMPLES_ALLOW" > "$BATS_TEST_TMPDIR/allow"
	fails="$BATS_TEST_TMPDIR/fails"
	: > "$fails"
	n=0
	for page in "$TOP"/man/*; do
		p=${page##*/}
		examples_script "$BATS_TEST_TMPDIR/allow" "$page" > "$BATS_TEST_TMPDIR/$p.sh"
		grep -q '^ex ' "$BATS_TEST_TMPDIR/$p.sh" || continue
		n=$((n + $(grep -c '^ex ' "$BATS_TEST_TMPDIR/$p.sh")))
		cp -a "$EX_WORLD" "$EX_RUN"
		(cd "$EX_RUN" && EX_LOG="$BATS_TEST_TMPDIR/$p" timeout 60 bash -c \
		    "$EXAMPLES_PRELUDE. '$BATS_TEST_TMPDIR/$p.sh'" 3>> "$fails" \
		    > /dev/null 2>&1) || echo "$p: the page's run ended with $?" >> "$fails"
		rm -rf "$EX_RUN"
	done
	[ ! -s "$fails" ] || fail "examples that fail:
$(cat "$fails")"
	[ "$n" -ge 80 ] || fail "only $n example commands found"
}

@test "man: every allow-list entry names a command of its page" {
	printf '%s\n' "$EXAMPLES_ALLOW" > "$BATS_TEST_TMPDIR/allow"
	examples_script "$BATS_TEST_TMPDIR/allow" "$TOP"/man/* > "$BATS_TEST_TMPDIR/all.sh"
	total=$(wc -l < "$BATS_TEST_TMPDIR/allow")
	for i in $(seq "$total"); do
		grep -qx "#allow $i" "$BATS_TEST_TMPDIR/all.sh" ||
		    fail "allow-list entry $i matches no command: $(sed -n "${i}p" "$BATS_TEST_TMPDIR/allow")"
	done
}

@test "man: the examples check reports a failing command, reads prompts and continuations" {
	cat > "$BATS_TEST_TMPDIR/x.1" <<'PAGE'
.Sh DESCRIPTION
.Dl false
.Sh EXAMPLES
.Bd -literal -offset indent
$ v=$(printf '%s' ok) &&
    printf 'a\ebb\en' |
    tr a b
this line is output, not a command
$ test "$v" = ok
$ exit 3
$ yes | head -n 1
$ false | cat
.Ed
.Dl test -f nosuchfile
.Sh SEE ALSO
.Dl false
PAGE
	: > "$BATS_TEST_TMPDIR/noallow"
	examples_script "$BATS_TEST_TMPDIR/noallow" "$BATS_TEST_TMPDIR/x.1" > "$BATS_TEST_TMPDIR/x.sh"
	run grep -c '^ex ' "$BATS_TEST_TMPDIR/x.sh"
	assert_output 6
	run grep -F 'printf '\''a\bb\n'\'' |' "$BATS_TEST_TMPDIR/x.sh"
	assert_success
	run env -C "$BATS_TEST_TMPDIR" EX_LOG=x bash -c "$EXAMPLES_PRELUDE. ./x.sh 3>&1 >/dev/null"
	# "exit 3" ends the page's run: the runner reports it that way.
	assert_failure 3
	assert_output ''
	sed -i '/exit 3/d' "$BATS_TEST_TMPDIR/x.sh"
	run env -C "$BATS_TEST_TMPDIR" EX_LOG=x bash -c "$EXAMPLES_PRELUDE. ./x.sh 3>&1 >/dev/null"
	assert_success
	assert_output --partial 'x.1:12: exit 1 0: false | cat'
	assert_output --partial 'x.1:14: exit 1: test -f nosuchfile'
	refute_output --partial 'yes'
	refute_output --partial 'x.1:5'
	refute_output --partial 'x.1:9'
}
