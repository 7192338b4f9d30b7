obj2/common/recs.o: common/recs.c common/recs.h common/rs_err.h \
 common/num.h common/tsv.h common/infile.h
common/recs.h:
common/rs_err.h:
common/num.h:
common/tsv.h:
common/infile.h:
