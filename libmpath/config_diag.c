/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Collects config errors and warnings as file:line messages, so every problem is reported at once. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "log.h"
#include "util.h"

int cfg_diag_add(struct mp_config_diag *diag, enum mp_diag_severity sev, const char *file,
		 unsigned line, const char *text)
{
	struct mp_diag_msg *m;
	_cleanup_free_ char *f = strdup(file ? file : "<config>");
	_cleanup_free_ char *t = strdup(text);

	if (!f || !t)
		return -ENOMEM;
	m = realloc(diag->msgs, (diag->n_msgs + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	diag->msgs = m;
	diag->msgs[diag->n_msgs++] = (struct mp_diag_msg) {
		.severity = sev, .file = TAKE_PTR(f), .line = line, .text = TAKE_PTR(t),
	};
	if (sev == MP_DIAG_ERROR)
		diag->n_errors++;
	else
		diag->n_warnings++;
	return 0;
}

__attribute__((format(printf, 3, 0)))
static void cfg_vreport(struct cfg_parser *p, enum mp_diag_severity sev, const char *fmt,
			va_list ap)
{
	char text[512];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (cfg_diag_add(p->diag, sev, p->file ? p->file : "built-in", p->line, text) < 0)
		p->oom = true;
}

int cfg_error(struct cfg_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_vreport(p, MP_DIAG_ERROR, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void cfg_warn(struct cfg_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_vreport(p, MP_DIAG_WARNING, fmt, ap);
	va_end(ap);
}

void mp_config_diag_clear(struct mp_config_diag *diag)
{
	if (!diag)
		return;
	for (size_t i = 0; i < diag->n_msgs; i++) {
		free(diag->msgs[i].file);
		free(diag->msgs[i].text);
	}
	free(diag->msgs);
	*diag = (struct mp_config_diag) MP_CONFIG_DIAG_INIT;
}

static int diag_format_one(const struct mp_diag_msg *m, struct strbuf *out)
{
	const char *sev = m->severity == MP_DIAG_ERROR ? "error" : "warning";

	if (m->line == 0)
		return strbuf_printf(out, "%s: %s: %s\n", m->file, sev, m->text);
	return strbuf_printf(out, "%s:%u: %s: %s\n", m->file, m->line, sev, m->text);
}

int mp_config_diag_format(const struct mp_config_diag *diag, struct strbuf *out)
{
	for (size_t i = 0; i < diag->n_msgs; i++) {
		int r = diag_format_one(&diag->msgs[i], out);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Used when the caller passed no diag: the messages still reach the log. */
void cfg_diag_log(const struct mp_config_diag *diag)
{
	for (size_t i = 0; i < diag->n_msgs; i++) {
		const struct mp_diag_msg *m = &diag->msgs[i];

		char where[32] = "";

		if (m->line)
			snprintf(where, sizeof(where), ":%u", m->line);
		if (m->severity == MP_DIAG_ERROR)
			log_err("%s%s: %s", m->file, where, m->text);
		else
			log_warn("%s%s: %s", m->file, where, m->text);
	}
}
