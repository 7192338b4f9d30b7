obj2/cmd/interactions-weight.o: cmd/interactions-weight.c \
 common/outfile.h common/rs_err.h common/cli.h common/rs_err.h \
 common/event_reader.h common/skip_bad.h common/events.h common/events.h \
 common/interactions.h common/matrix.h common/comm.h common/container.h \
 common/weights.h common/matrix.h common/weights.h
common/outfile.h:
common/rs_err.h:
common/cli.h:
common/rs_err.h:
common/event_reader.h:
common/skip_bad.h:
common/events.h:
common/events.h:
common/interactions.h:
common/matrix.h:
common/comm.h:
common/container.h:
common/weights.h:
common/matrix.h:
common/weights.h:
