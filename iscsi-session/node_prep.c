/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Node records the manager has set up. A login needs its node's record created and set
 * (iscsiadm -o new, -o update) and, with CHAP, the secrets written into it. The manager
 * remembers which nodes it has set up since its last reconfigure, so a login again needs
 * only the login, and it never reads /etc/iscsi on the loop to find out. A failed login
 * forgets its node: the next attempt sets the record up again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "manager.h"
#include "node_prep.h"
#include "noderec.h"
#include "util.h"

static bool same_node(const struct layout_session *a, const struct layout_session *b)
{
	return a->port == b->port && a->tpgt == b->tpgt && streq(a->target, b->target) &&
	       streq(a->addr, b->addr) && streq(a->nic, b->nic);
}

static ssize_t prep_index(const struct isess *m, const struct layout_session *node)
{
	for (size_t i = 0; i < m->n_prepared; i++)
		if (same_node(&m->prepared[i], node))
			return (ssize_t)i;
	return -1;
}

bool node_prep_known(const struct isess *m, const struct layout_session *node)
{
	return prep_index(m, node) >= 0;
}

void node_prep_remember(struct isess *m, const struct layout_session *node)
{
	struct layout_session *more;

	if (node_prep_known(m, node))
		return;
	more = realloc(m->prepared, (m->n_prepared + 1) * sizeof(*more));
	if (!more)
		return;
	m->prepared = more;
	m->prepared[m->n_prepared++] = *node;
}

static void prep_drop(struct isess *m, size_t i)
{
	m->prepared[i] = m->prepared[--m->n_prepared];
}

void node_prep_forget(struct isess *m, const struct layout_session *node)
{
	ssize_t i = prep_index(m, node);

	if (i >= 0)
		prep_drop(m, (size_t)i);
}

void node_prep_forget_target(struct isess *m, const char *target)
{
	for (size_t i = m->n_prepared; i-- > 0;)
		if (streq(m->prepared[i].target, target))
			prep_drop(m, i);
}

/* ---- CHAP into the record, on the host's workers ---- */

struct chap_job {
	struct mgr_blocking head;	/* first */
	void (*then)(struct op *op, int result);
	char target[ISESS_TARGET_MAX];
	char addr[ISESS_ADDR_MAX];
	char iface[ISCSIADM_IFACE_MAX];
	unsigned port;
	int tpgt;
	char *username, *password, *username_in, *password_in;
	int result;
};

static void secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void chap_release(struct mgr_blocking *b)
{
	struct chap_job *j = (struct chap_job *)b;

	free(j->username);
	secret_free(j->password);
	free(j->username_in);
	secret_free(j->password_in);
	free(j);
}

static void chap_work(struct mgr_blocking *b)
{
	struct chap_job *j = (struct chap_job *)b;
	struct iscsiadm_node n = { .target = j->target, .addr = j->addr, .port = j->port, .tpgt = j->tpgt,
				   .iface = j->iface };
	struct iscsiadm_chap chap = { .username = j->username, .password = j->password,
				      .username_in = j->username_in, .password_in = j->password_in };

	j->result = noderec_set_chap(NULL, NULL, &n, &chap);
}

static void chap_done(void *owner, struct mgr_blocking *b)
{
	struct chap_job *j = (struct chap_job *)b;

	j->then(owner, j->result);
}

/* A copy of @s into *@ret; false when out of memory. NULL stays NULL. */
static bool dup_opt(const char *s, char **ret)
{
	*ret = s ? strdup(s) : NULL;
	return !s || *ret;
}

int node_prep_chap(struct op *op, void (*then)(struct op *op, int result))
{
	const struct iscsiadm_chap *c = &op->m->cfg->chap;
	struct chap_job *j = calloc(1, sizeof(*j));
	int r;

	if (!j)
		return -ENOMEM;
	j->head.work = chap_work;
	j->head.done = chap_done;
	j->head.release = chap_release;
	j->then = then;
	snprintf(j->target, sizeof(j->target), "%s", op->node.target);
	snprintf(j->addr, sizeof(j->addr), "%s", op->node.addr);
	iscsiadm_iface_name(op->node.nic, j->iface, sizeof(j->iface));
	j->port = op->node.port;
	j->tpgt = op->node.tpgt;
	if (!dup_opt(c->username, &j->username) || !dup_opt(c->password, &j->password) ||
	    !dup_opt(c->username_in, &j->username_in) || !dup_opt(c->password_in, &j->password_in)) {
		chap_release(&j->head);
		return -ENOMEM;
	}
	r = mgr_blocking_run(op->m, op, &op->blocking, &j->head);
	if (r < 0)
		chap_release(&j->head);
	return r;
}
