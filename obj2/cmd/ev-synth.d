obj2/cmd/ev-synth.o: cmd/ev-synth.c common/cli.h common/rs_err.h \
 common/rs_err.h common/synth.h common/events.h
common/cli.h:
common/rs_err.h:
common/rs_err.h:
common/synth.h:
common/events.h:
