obj2/common/als_recommend.o: common/als_recommend.c common/als.h \
 common/comm.h common/rs_err.h common/container.h common/matrix.h \
 common/als_impl.h common/par.h
common/als.h:
common/comm.h:
common/rs_err.h:
common/container.h:
common/matrix.h:
common/als_impl.h:
common/par.h:
