obj2/cmd/ev-filter.o: cmd/ev-filter.c common/outfile.h common/rs_err.h \
 common/skip_bad.h common/cli.h common/rs_err.h common/events.h \
 common/evfilter.h common/events.h common/items.h common/idmap.h \
 common/event_reader.h common/skip_bad.h common/items.h common/tsv.h \
 common/infile.h
common/outfile.h:
common/rs_err.h:
common/skip_bad.h:
common/cli.h:
common/rs_err.h:
common/events.h:
common/evfilter.h:
common/events.h:
common/items.h:
common/idmap.h:
common/event_reader.h:
common/skip_bad.h:
common/items.h:
common/tsv.h:
common/infile.h:
