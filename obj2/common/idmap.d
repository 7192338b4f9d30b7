obj2/common/idmap.o: common/idmap.c common/idmap.h
common/idmap.h:
