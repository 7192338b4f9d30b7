obj2/common/matrix.o: common/matrix.c common/matrix.h common/comm.h \
 common/rs_err.h common/container.h
common/matrix.h:
common/comm.h:
common/rs_err.h:
common/container.h:
