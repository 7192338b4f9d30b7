# report-reading.awk: the one-line reading of report.tsv (rec-eval), shared
# by the pipeline's text report and report.html.  Reads report.tsv
# (model group users precision_at_K recall_at_K coverage_at_K2) and prints
# one sentence: how the weighted model does for users with history, how
# that compares with top popular and with the naive model.
BEGIN { FS = "\t" }
NR == 1 { k = $4; sub(/^precision_at_/, "", k); next }
{ p[$1 "/" $2] = $4; r[$1 "/" $2] = $5 }
END {
	w = p["weighted_als/with_history"]; n = p["naive_als/with_history"]
	t = p["top_popular/with_history"]; a = p["top_popular/all_test_users"]
	if (w == "") { print "No weighted ALS row: nothing to read."; exit }
	s = sprintf("For users with history, weighted ALS hits with %.2f%% of its top-%s picks (precision@%s)", w, k, k)
	if (t != "" && t > 0)
		s = s sprintf(", %.1fx top popular (%.2f%%)", w / t, t)
	else if (t != "")
		s = s sprintf(", top popular %.2f%%", t)
	if (n != "")
		s = s sprintf(", %+.2f points against naive ALS (%.2f%%: weighting carts over views %s)",
		    w - n, n, w > n ? "helps" : w < n ? "hurts" : "changes nothing")
	if (a != "")
		s = s sprintf("; top popular for all test users: %.2f%%", a)
	print s "."
}
