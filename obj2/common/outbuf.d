obj2/common/outbuf.o: common/outbuf.c common/outbuf.h common/num.h
common/outbuf.h:
common/num.h:
