obj2/common/als_model.o: common/als_model.c common/als.h common/comm.h \
 common/rs_err.h common/container.h common/matrix.h
common/als.h:
common/comm.h:
common/rs_err.h:
common/container.h:
common/matrix.h:
