obj2/common/tsv.o: common/tsv.c common/tsv.h common/rs_err.h \
 common/infile.h common/num.h
common/tsv.h:
common/rs_err.h:
common/infile.h:
common/num.h:
