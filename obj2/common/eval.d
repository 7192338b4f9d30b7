obj2/common/eval.o: common/eval.c common/eval.h common/rs_err.h \
 common/idmap.h common/items.h common/event_reader.h common/skip_bad.h \
 common/events.h common/num.h common/recs.h common/tsv.h common/infile.h
common/eval.h:
common/rs_err.h:
common/idmap.h:
common/items.h:
common/event_reader.h:
common/skip_bad.h:
common/events.h:
common/num.h:
common/recs.h:
common/tsv.h:
common/infile.h:
