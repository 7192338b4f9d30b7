obj2/common/catalog.o: common/catalog.c common/catalog.h \
 common/skip_bad.h common/rs_err.h common/idmap.h common/bytemask.h \
 common/csv_reader.h common/infile.h common/items.h common/num.h \
 common/radix.h common/tsv.h
common/catalog.h:
common/skip_bad.h:
common/rs_err.h:
common/idmap.h:
common/bytemask.h:
common/csv_reader.h:
common/infile.h:
common/items.h:
common/num.h:
common/radix.h:
common/tsv.h:
