# report-table.awk: a TSV report (rec-eval's report.tsv or replay.tsv) as an
# aligned table for the terminal: the figures of the columns named *_at_*
# (percentages) get a % sign, numbers are right-aligned, text left-aligned.
BEGIN { FS = "\t" }
{
	for (i = 1; i <= NF; i++) {
		v = $i
		if (NR == 1)
			h[i] = v
		else if (h[i] ~ /_at_/ && v != "")
			v = v "%"
		c[NR, i] = v
		if (length(v) > w[i])
			w[i] = length(v)
	}
	if (NF > n)
		n = NF
}
END {
	for (r = 1; r <= NR; r++) {
		s = ""
		for (i = 1; i <= n; i++) {
			v = c[r, i]
			num = r > 1 && v ~ /^[0-9.]+%?$/
			s = s sprintf(num ? "%*s" : "%-*s", w[i], v) (i < n ? "  " : "")
		}
		sub(/ +$/, "", s)
		print s
	}
}
