obj2/common/skip_bad.o: common/skip_bad.c common/skip_bad.h \
 common/rs_err.h
common/skip_bad.h:
common/rs_err.h:
