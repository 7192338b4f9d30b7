/* evfilter.c: see evfilter.h. */
#include "evfilter.h"

#include <string.h>

const char *const evfilter_verdict_names[EVFILTER_NVERDICTS] = {
	"kept", "before --from", "not before --until", "type not chosen",
	"item not in the catalogue"
};

void
evfilter_init(evfilter *f)
{
	memset(f, 0, sizeof *f);
	f->types = (1u << EV_NTYPES) - 1;
}

int
evfilter_parse_types(const char *list, unsigned *mask, rs_err *e)
{
	const char *p = list;

	*mask = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		int t;

		for (t = 0; t < EV_NTYPES; t++)
			if (strlen(ev_type_names[t]) == len &&
			    strncmp(p, ev_type_names[t], len) == 0)
				break;
		if (len == 0)
			return rs_errf(e, EX_USAGE, "empty event type in "
			    "\"%s\"", list);
		if (t == EV_NTYPES)
			return rs_errf(e, EX_USAGE, "unknown event type "
			    "\"%.*s\" (expected view, addtocart or "
			    "transaction)", (int)len, p);
		*mask |= 1u << t;
		p += len;
		if (*p == '\0')
			return 0;
		p++;
	}
}
