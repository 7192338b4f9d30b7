obj2/common/radix.o: common/radix.c common/radix.h
common/radix.h:
