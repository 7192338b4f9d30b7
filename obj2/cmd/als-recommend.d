obj2/cmd/als-recommend.o: cmd/als-recommend.c common/outfile.h \
 common/rs_err.h common/als.h common/comm.h common/container.h \
 common/matrix.h common/cli.h common/rs_err.h common/matrix.h \
 common/num.h common/tsv.h common/infile.h
common/outfile.h:
common/rs_err.h:
common/als.h:
common/comm.h:
common/container.h:
common/matrix.h:
common/cli.h:
common/rs_err.h:
common/matrix.h:
common/num.h:
common/tsv.h:
common/infile.h:
