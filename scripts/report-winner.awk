# report-winner.awk: the one-line reading of a run's winner.tsv
# (scripts/pipeline-winner): which rule's store the run serves and why.
# Used by "make -f pipeline.mk report" and scripts/pipeline-report-html.
BEGIN { FS = "\t" }
NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "hits") h = i; if ($i == "carts") c = i }; next }
$NF == 1 { win = $1; wh = $h; carts = $c; next }
{ others = others sprintf("%s the %s rule's %d", (others == "" ? "" : ","), $1, $h) }
END {
	if (win == "") exit 1
	printf "recs.db, the store publish serves, holds the %s rule: %d of %d test carts hit at 5 (%.2f%%)", \
	    win, wh, carts, carts ? 100 * wh / carts : 0
	if (others != "") printf ", against%s", others
	print "."
}
