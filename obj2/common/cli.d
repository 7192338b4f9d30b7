obj2/common/cli.o: common/cli.c common/cli.h common/rs_err.h common/als.h \
 common/comm.h common/container.h common/matrix.h common/outfile.h \
 common/num.h obj2/build_info.h
common/cli.h:
common/rs_err.h:
common/als.h:
common/comm.h:
common/container.h:
common/matrix.h:
common/outfile.h:
common/num.h:
obj2/build_info.h:
