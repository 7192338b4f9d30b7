obj2/common/comm.o: common/comm.c common/comm.h common/rs_err.h
common/comm.h:
common/rs_err.h:
