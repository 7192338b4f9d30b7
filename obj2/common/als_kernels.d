obj2/common/als_kernels.o: common/als_kernels.c common/als.h \
 common/comm.h common/rs_err.h common/container.h common/matrix.h \
 common/als_impl.h common/als_kern.h
common/als.h:
common/comm.h:
common/rs_err.h:
common/container.h:
common/matrix.h:
common/als_impl.h:
common/als_kern.h:
