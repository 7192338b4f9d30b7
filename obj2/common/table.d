obj2/common/table.o: common/table.c common/table.h
common/table.h:
