#!/usr/bin/env bats
# scripts/pipeline-eval-users: the users the report evaluates the naive
# baseline on (test-period carters with a view or a cart in training).

load test_helper

setup() {
	T="$BATS_TEST_TMPDIR"
	printf 'ts\tuser\tevent\titem\ttxn\n' >"$T/train.tsv"
	printf '1\t5\tview\t100\t\n2\t7\ttransaction\t100\t9\n3\t30\taddtocart\t101\t\n4\t2\tview\t102\t\n5\t5\tview\t103\t\n6\t40\tview\t104\t\n' >>"$T/train.tsv"
	printf 'ts\tuser\tevent\titem\ttxn\n' >"$T/test.tsv"
	# 5 and 30 and 2 have history; 7 has only a transaction; 9 none; 40
	# only views in the test period.
	printf '9\t30\taddtocart\t1\t\n10\t7\taddtocart\t1\t\n11\t9\taddtocart\t1\t\n12\t5\taddtocart\t2\t\n13\t5\taddtocart\t3\t\n14\t40\tview\t1\t\n15\t2\taddtocart\t4\t\n' >>"$T/test.tsv"
}

@test "pipeline-eval-users: test carters with history, once each, sorted by number" {
	run sh "$TOP/scripts/pipeline-eval-users" -o "$T/u.tsv" "$T/train.tsv" "$T/test.tsv"
	assert_success
	assert_output ""
	run cat "$T/u.tsv"
	assert_output "$(printf 'user\n2\n5\n30')"
	assert_file_not_exist "$T/.u.tsv.*"
}

@test "pipeline-eval-users: usage error and a missing input leave no output" {
	run sh "$TOP/scripts/pipeline-eval-users" "$T/train.tsv"
	assert_failure 64
	assert_output "usage: pipeline-eval-users -o FILE TRAIN.tsv TEST.tsv"
	run sh "$TOP/scripts/pipeline-eval-users" -o "$T/u.tsv" "$T/train.tsv" "$T/none.tsv"
	assert_failure
	assert_output --partial "none.tsv"
	assert_file_not_exist "$T/u.tsv"
}
