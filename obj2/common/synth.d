obj2/common/synth.o: common/synth.c common/synth.h common/rs_err.h \
 common/events.h common/outfile.h common/num.h
common/synth.h:
common/rs_err.h:
common/events.h:
common/outfile.h:
common/num.h:
