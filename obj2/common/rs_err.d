obj2/common/rs_err.o: common/rs_err.c common/rs_err.h
common/rs_err.h:
