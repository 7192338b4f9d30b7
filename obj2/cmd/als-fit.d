obj2/cmd/als-fit.o: cmd/als-fit.c common/als.h common/comm.h \
 common/rs_err.h common/container.h common/matrix.h common/cli.h \
 common/rs_err.h common/matrix.h common/par.h \
 /usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h \
 /usr/lib/x86_64-linux-gnu/openmpi/include/mpi_portable_platform.h
common/als.h:
common/comm.h:
common/rs_err.h:
common/container.h:
common/matrix.h:
common/cli.h:
common/rs_err.h:
common/matrix.h:
common/par.h:
/usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h:
/usr/lib/x86_64-linux-gnu/openmpi/include/mpi_portable_platform.h:
