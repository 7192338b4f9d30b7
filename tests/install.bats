#!/usr/bin/env bats
# make install / uninstall: every program and manual page, and
# rec-rebuild(8) in sbin with the pipeline it runs (pipeline.mk and its
# helpers in share/recsys-ecom), so that the installed script works
# outside the clone and its manual names an installed command.

load test_helper

# make install with the programs under test (RS_BIN), without rebuilding.
mk() {
	make -s --no-print-directory -C "$TOP" -o all B="${RS_BIN#"$TOP"/}" "$@"
}

@test "make install: programs, pages, rec-rebuild in sbin and its pipeline; uninstall removes them" {
	local D="$BATS_TEST_TMPDIR/dest" p
	run mk install DESTDIR="$D" PREFIX=/usr/local
	assert_success
	for p in "$TOP"/cmd/*.c; do
		p=${p##*/}
		assert_file_executable "$D/usr/local/bin/${p%.c}"
	done
	assert_file_executable "$D/usr/local/sbin/rec-rebuild"
	assert_file_executable "$D/usr/local/sbin/rec-rollout"
	assert_file_exist "$D/usr/local/share/man/man8/rec-rollout.8"
	assert_file_exist "$D/usr/local/share/man/man8/rec-rebuild.8"
	assert_file_exist "$D/usr/local/share/recsys-ecom/pipeline.mk"
	assert_file_executable "$D/usr/local/share/recsys-ecom/scripts/pipeline-stage"
	# The installed script runs the installed pipeline and programs.
	run grep -E '^(pipeline|bin)=' "$D/usr/local/sbin/rec-rebuild"
	assert_output "$(printf '%s\n' pipeline=/usr/local/share/recsys-ecom/pipeline.mk bin=/usr/local/bin)"
	run mk uninstall DESTDIR="$D" PREFIX=/usr/local
	assert_success
	run find "$D" -type f
	assert_output ""
}

@test "the installed rec-rebuild builds and publishes outside the clone" {
	local P="$BATS_TEST_TMPDIR/prefix" W="$BATS_TEST_TMPDIR/work"
	mk install PREFIX="$P"
	mkdir "$W"
	cd "$W"
	run "$P/sbin/rec-rebuild" -b build 2015-09-01 SYNTH_EVENTS=20000 \
	    ITERATIONS=2 FACTORS=8
	assert_success
	assert_file_exist build/current/recs.db
	run grep -c 'published build/current' build/rebuild.log
	assert_output 1
}
