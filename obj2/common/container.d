obj2/common/container.o: common/container.c common/container.h \
 common/rs_err.h common/outfile.h common/num.h
common/container.h:
common/rs_err.h:
common/outfile.h:
common/num.h:
