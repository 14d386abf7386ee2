/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Immutable, reference-counted text shared by the loop's state and the snapshots readers hold. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shared_text.h"

struct shared_text {
	unsigned long refs;	/* atomic: the last unref may run on the RCU reclaim thread */
	char text[];
};

int shared_text_new(const char *text, struct shared_text **ret)
{
	size_t len = strlen(text);
	struct shared_text *t = malloc(sizeof(*t) + len + 1);

	if (!t)
		return -ENOMEM;
	t->refs = 1;
	memcpy(t->text, text, len + 1);
	*ret = t;
	return 0;
}

struct shared_text *shared_text_ref(struct shared_text *t)
{
	if (t)
		__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
	return t;
}

struct shared_text *shared_text_unref(struct shared_text *t)
{
	if (t && __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(t);
	return NULL;
}

const char *shared_text_str(const struct shared_text *t)
{
	return t ? t->text : NULL;
}
