/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mpath command line: options anywhere, "-ll"/"-l" as in multipath(8), the rest are command words. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mpath-config.h"
#include "mpath.h"
#include "util.h"

void mpath_usage(FILE *f)
{
	fprintf(f,
		"Usage: mpath [OPTIONS] -ll|-l [MAP]\n"
		"       mpath [OPTIONS] COMMAND [ARGS...] [--json]\n"
		"\n"
		"Talks to mpathd over its control socket. -ll shows every multipath map as\n"
		"`multipath -ll` does; -l does the same without path checker states.\n"
		"Without a running daemon, -ll, -l and show topology read device-mapper directly.\n"
		"\n"
		"Options:\n"
		"  -s, --socket PATH   daemon socket (default %s)\n"
		"  --timeout MS        give up after MS milliseconds (default %u)\n"
		"  --json              ask for JSON output\n"
		"  -h, --help          show this help\n"
		"  --version           show the version\n"
		"\n"
		"Commands (other words are passed to the daemon unchanged):\n",
		MPATH_SOCKET_PATH, MPATH_DEFAULT_TIMEOUT_MS);
	mpath_commands_usage(f);
	fprintf(f,
		"\n"
		"Exit status:\n"
		"  0  success\n"
		"  1  the daemon reported an error\n"
		"  2  usage error\n"
		"  3  the daemon is not reachable\n"
		"  4  timeout\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mpath: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'mpath --help'.\n", stderr);
	return -EINVAL;
}

static int parse_timeout(const char *s, unsigned *ret)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > MPATH_MAX_TIMEOUT_MS)
		return usage_error("invalid timeout '%s' (milliseconds, 1..86400000)", s);
	*ret = (unsigned)v;
	return 0;
}

/* An option that takes a value, as "--opt VALUE" or "--opt=VALUE"; returns 1 if @arg is @name. */
static int option_value(const char *arg, const char *name, int *i, int argc, char **argv,
			const char **ret)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return 0;
	if (arg[n] == '=') {
		*ret = arg + n + 1;
		return 1;
	}
	if (arg[n])
		return 0;
	if (*i + 1 >= argc)
		return usage_error("option '%s' needs a value", name);
	*ret = argv[++*i];
	return 1;
}

static int set_mode(struct mpath_args *a, enum mpath_mode mode, const char *arg)
{
	if (a->mode != MPATH_MODE_WORDS && a->mode != mode)
		return usage_error("'%s' cannot be combined with another mode", arg);
	a->mode = mode;
	return 0;
}

/*
 * Returns 1 if @argv[*i] was an option (consuming a value if it has one), 0 if a word.
 * @first_word: the command's first word so far, or NULL: after a word mpath does not know
 * (a selector plugin's verb, such as "failover"), unknown "--options" belong to the command.
 */
static int parse_option(struct mpath_args *a, int *i, int argc, char **argv, const char *first_word)
{
	const char *arg = argv[*i], *value = NULL;
	int r;

	if (arg[0] != '-' || !arg[1])
		return 0;
	if (streq(arg, "-ll"))
		return set_mode(a, MPATH_MODE_LL, arg) ?: 1;
	if (streq(arg, "-l"))
		return set_mode(a, MPATH_MODE_L, arg) ?: 1;
	if (streq(arg, "-h") || streq(arg, "--help"))
		return set_mode(a, MPATH_MODE_HELP, arg) ?: 1;
	if (streq(arg, "--version"))
		return set_mode(a, MPATH_MODE_VERSION, arg) ?: 1;
	if (streq(arg, "--json")) {
		a->json = true;
		return 1;
	}
	if ((r = option_value(arg, "-s", i, argc, argv, &value)) != 0 ||
	    (r = option_value(arg, "--socket", i, argc, argv, &value)) != 0) {
		if (r > 0 && !*value)
			return usage_error("empty socket path");
		a->socket = value;
		return r;
	}
	if ((r = option_value(arg, "--timeout", i, argc, argv, &value)) != 0)
		return r < 0 ? r : parse_timeout(value, &a->timeout_ms) ?: 1;
	if (first_word && arg[1] == '-' && arg[2] && !mpath_command_known_verb(first_word))
		return 0;
	if (first_word && streq(first_word, "iscsi") && streq(arg, "--fix"))
		return 0;	/* iscsi check --fix */
	return usage_error("unknown option '%s'", arg);
}

int mpath_args_parse(int argc, char **argv, struct mpath_args *ret)
{
	struct mpath_args a = {
		.socket = MPATH_SOCKET_PATH,
		.timeout_ms = MPATH_DEFAULT_TIMEOUT_MS,
	};
	_cleanup_free_ char **words = calloc((size_t)argc + 1, sizeof(*words));
	bool options_done = false;

	if (!words)
		return -ENOMEM;
	for (int i = 1; i < argc; i++) {
		int r = 0;

		if (!options_done && streq(argv[i], "--")) {
			options_done = true;
			continue;
		}
		if (!options_done)
			r = parse_option(&a, &i, argc, argv, a.nr_words ? words[0] : NULL);
		if (r < 0)
			return r;
		if (r == 0)
			words[a.nr_words++] = argv[i];
	}
	a.words = TAKE_PTR(words);
	*ret = a;
	return 0;
}

void mpath_args_release(struct mpath_args *a)
{
	free(a->words);
	a->words = NULL;
}
