obj2/common/outfile.o: common/outfile.c common/outfile.h common/rs_err.h
common/outfile.h:
common/rs_err.h:
