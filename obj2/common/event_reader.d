obj2/common/event_reader.o: common/event_reader.c common/event_reader.h \
 common/skip_bad.h common/rs_err.h common/events.h common/bytemask.h \
 common/csv_reader.h common/infile.h common/num.h common/tsv.h
common/event_reader.h:
common/skip_bad.h:
common/rs_err.h:
common/events.h:
common/bytemask.h:
common/csv_reader.h:
common/infile.h:
common/num.h:
common/tsv.h:
