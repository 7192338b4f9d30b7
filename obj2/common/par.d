obj2/common/par.o: common/par.c common/par.h
common/par.h:
