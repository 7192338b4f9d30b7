obj2/common/items.o: common/items.c common/items.h common/rs_err.h \
 common/idmap.h common/num.h common/tsv.h common/infile.h
common/items.h:
common/rs_err.h:
common/idmap.h:
common/num.h:
common/tsv.h:
common/infile.h:
