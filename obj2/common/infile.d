obj2/common/infile.o: common/infile.c common/infile.h common/rs_err.h
common/infile.h:
common/rs_err.h:
