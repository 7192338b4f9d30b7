obj2/common/num.o: common/num.c common/num.h
common/num.h:
