obj2/common/als_fit.o: common/als_fit.c common/als.h common/comm.h \
 common/rs_err.h common/container.h common/matrix.h common/als_impl.h \
 common/par.h
common/als.h:
common/comm.h:
common/rs_err.h:
common/container.h:
common/matrix.h:
common/als_impl.h:
common/par.h:
