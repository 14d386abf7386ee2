/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands mpath knows: their grammar, and which ones may fall back to device-mapper. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "mpath.h"
#include "util.h"

/*
 * A pattern is a list of words; upper-case words are arguments: DEV takes
 * "sdb", "8:16" or "/dev/sdb"; MAP takes an alias, a WWID, "dm-N" or
 * "/dev/mapper/NAME". The argument is sent without its /dev/ prefix.
 */
struct command {
	const char *pattern;
	const char *help;
	bool topology;		/* a -ll style view the CLI can build from device-mapper */
	bool with_checker;
};

/* The grammar is mpathd's (mpathd/commands.c); "nocheck" comes before MAP so it is never taken for one. */
static const struct command commands[] = {
	{ "show topology", "every map, as -ll shows it", true, true },
	{ "show topology nocheck", "every map, as -l shows it", true, false },
	{ "show topology nocheck MAP", "one map (or the map of a path), as -l shows it", true, false },
	{ "show topology MAP", "one map (or the map of a path), as -ll shows it", true, true },
	{ "show map MAP", "one map, as -ll shows it", true, true },
	{ "show paths", "one line per path", false, false },
	{ "show maps", "one line per map", false, false },
	{ "show status", "the daemon's state", false, false },
	{ "show config", "the configuration in effect", false, false },
	{ "show map MAP config", "the configuration one map resolves to", false, false },
	{ "fail path DEV", "fail a path; checkers do not reinstate it", false, false },
	{ "reinstate path DEV", "reinstate a failed path", false, false },
	{ "add path DEV", "add a path to its map", false, false },
	{ "del path DEV", "remove a path from its map", false, false },
	{ "resize map MAP", "reload a map with its paths' new size", false, false },
	{ "reconfigure", "reread the configuration", false, false },
	{ "shutdown", "stop the daemon", false, false },
	{ "help", "the daemon's list of commands", false, false },
	{ "iscsi show sessions", "iSCSI session manager: sessions per volume and member", false, false },
	{ "iscsi show ifaces", "iSCSI session manager: bound NICs, heartbeat, probes", false, false },
	{ "iscsi show members", "iSCSI session manager: group members and recent changes", false, false },
	{ "iscsi show check", "iSCSI session manager: the last host check's findings", false, false },
	{ "iscsi check", "run the host checks now and print the findings", false, false },
	{ "iscsi check --fix", "apply the fixes, check again and print the findings", false, false },
	{ "iscsi rebalance", "discover the group again and lay the sessions out anew", false, false },
};

/*
 * Verbs of the selector plugins the daemon ships, for --help only: they are
 * sent as typed (their --options included), and the daemon checks them, so
 * plugins it loads later need no new mpath. `mpath help` lists the verbs of
 * the plugins in use.
 */
static const struct command plugin_commands[] = {
	{ "failover list [MAP]", "paths of failover-priority maps: priority, Up/Down, active", false, false },
	{ "failover set-priority PATH=N|default [--insert]", "set a path's priority (1 highest)", false, false },
	{ "failover set-state PATH up|down [--select]", "enable or disable a path; --select moves I/O now",
	  false, false },
};

void mpath_commands_usage(FILE *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-30s %s\n", commands[i].pattern, commands[i].help);
	fprintf(f, "\nSelector plugin commands (sent to the daemon as typed):\n");
	for (size_t i = 0; i < ARRAY_SIZE(plugin_commands); i++)
		fprintf(f, "  %s\n      %s\n", plugin_commands[i].pattern, plugin_commands[i].help);
}

static bool is_placeholder(const char *w, size_t len)
{
	return (len == 3 && strncmp(w, "DEV", 3) == 0) || (len == 3 && strncmp(w, "MAP", 3) == 0);
}

/* Whether @words match @pattern; on a match, *ret_arg is the argument's index or -1. */
static bool pattern_match(const char *pattern, char *const *words, int nr_words, int *ret_arg)
{
	const char *p = pattern;
	int i = 0, arg = -1;

	while (*p) {
		size_t len = strcspn(p, " ");

		if (i >= nr_words)
			return false;
		if (is_placeholder(p, len))
			arg = i;
		else if (strlen(words[i]) != len || strncmp(words[i], p, len) != 0)
			return false;
		i++;
		p += len + (p[len] == ' ');
	}
	if (i != nr_words)
		return false;
	*ret_arg = arg;
	return true;
}

/* Whether some command starts with the verb @w; those get checked instead of passed through. */
bool mpath_command_known_verb(const char *w)
{
	size_t len = strlen(w);

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strncmp(commands[i].pattern, w, len) == 0 &&
		    (commands[i].pattern[len] == ' ' || !commands[i].pattern[len]))
			return true;
	return false;
}

static int usage_for_verb(const char *verb)
{
	size_t len = strlen(verb);

	fprintf(stderr, "mpath: bad arguments for '%s'; expected one of:\n", verb);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strncmp(commands[i].pattern, verb, len) == 0 && commands[i].pattern[len] == ' ')
			fprintf(stderr, "  mpath %s\n", commands[i].pattern);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(commands[i].pattern, verb))
			fprintf(stderr, "  mpath %s\n", commands[i].pattern);
	return -EINVAL;
}

static const char *strip_dev(const char *w)
{
	if (strncmp(w, "/dev/mapper/", 12) == 0 && w[12])
		return w + 12;
	if (strncmp(w, "/dev/", 5) == 0 && w[5])
		return w + 5;
	return w;
}

/* Unknown words after "show" (or "show map MAP") may be commands of a newer daemon. */
static bool passthrough_allowed(char *const *words, int nr_words)
{
	if (!streq(words[0], "show"))
		return !mpath_command_known_verb(words[0]);
	if (nr_words < 2 || streq(words[1], "topology"))
		return false;
	return !streq(words[1], "map") || nr_words >= 3;
}

/*
 * The request line. Words travel separated by single spaces, so an argument with blanks in it
 * (`show paths format "%d %w"`, as scripts call multipathd) is sent as the words it holds.
 */
static int join_words(char **words, int nr_words, char **ret)
{
	_cleanup_free_ char **split = NULL;
	_cleanup_free_ char *copy = NULL;
	size_t total = 0;
	int n = 0;

	for (int i = 0; i < nr_words; i++)
		total += strlen(words[i]) + 1;
	split = calloc(total + 1, sizeof(*split));
	copy = malloc(total + 1);
	if (!split || !copy)
		return -ENOMEM;
	for (int i = 0, off = 0; i < nr_words; i++) {
		char *w = copy + off, *save = NULL, *tok;

		strcpy(w, words[i]);
		off += (int)strlen(words[i]) + 1;
		if (!strpbrk(w, " \t")) {
			split[n++] = w;
			continue;
		}
		for (tok = strtok_r(w, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
			split[n++] = tok;
	}
	return mp_ipc_join(split, n, ret);
}

/* Fill @ret from @words, which were checked or passed through. */
static int request_from_words(char **words, int nr_words, bool json, const struct command *cmd,
			      int arg, struct mpath_request *ret)
{
	const char *saved = arg >= 0 ? words[arg] : NULL;
	bool iscsi_show = nr_words >= 2 && streq(words[0], "iscsi") && streq(words[1], "show");
	bool iscsi_check = nr_words >= 2 && streq(words[0], "iscsi") && streq(words[1], "check");
	char *line = NULL;
	int r;

	if (iscsi_show) {	/* the daemon's read-only commands all start with "show" */
		words[0] = (char *)"show";
		words[1] = (char *)"iscsi";
	}

	if (arg >= 0)
		words[arg] = (char *)strip_dev(saved);
	/* "iscsi check" answers "check N started" in plain text; the findings come as asked */
	json = json && !iscsi_check;
	if (json)
		words[nr_words++] = (char *)"--json";
	r = join_words(words, nr_words, &line);
	if (json)
		words[--nr_words] = NULL;
	if (r < 0) {
		if (arg >= 0)
			words[arg] = (char *)saved;
		fprintf(stderr, "mpath: invalid command text: %s\n", strerror(-r));
		return r == -ENOMEM ? r : -EINVAL;
	}
	*ret = (struct mpath_request){
		.text = line,
		.topology = cmd && cmd->topology,
		.with_checker = cmd ? cmd->with_checker : true,
		.json = json,
		.map_filter = cmd && cmd->topology && arg >= 0 ? words[arg] : NULL,
		.wait_check = iscsi_check,
	};
	return 0;
}

/* -ll [MAP] and -l [MAP] become "show topology [nocheck] [MAP]". */
static int request_from_ll(const struct mpath_args *a, struct mpath_request *ret)
{
	char *words[8];
	int n = 0;

	if (a->nr_words > 1) {
		fprintf(stderr, "mpath: %s takes at most one map\nTry 'mpath --help'.\n",
			a->mode == MPATH_MODE_LL ? "-ll" : "-l");
		return -EINVAL;
	}
	words[n++] = (char *)"show";
	words[n++] = (char *)"topology";
	if (a->mode == MPATH_MODE_L)
		words[n++] = (char *)"nocheck";
	if (a->nr_words == 1)
		words[n++] = a->words[0];
	words[n] = NULL;
	return mpath_request_build(&(struct mpath_args){
		.mode = MPATH_MODE_WORDS, .json = a->json, .nr_words = n, .words = words,
	}, ret);
}

int mpath_request_build(const struct mpath_args *a, struct mpath_request *ret)
{
	_cleanup_free_ char **words = NULL;
	int arg = -1;

	if (a->mode == MPATH_MODE_LL || a->mode == MPATH_MODE_L)
		return request_from_ll(a, ret);
	if (a->nr_words == 0) {
		fprintf(stderr, "mpath: no command given\nTry 'mpath --help'.\n");
		return -EINVAL;
	}
	/* A private copy with room for "--json", so placeholders can be rewritten. */
	words = calloc((size_t)a->nr_words + 2, sizeof(*words));
	if (!words)
		return -ENOMEM;
	memcpy(words, a->words, (size_t)a->nr_words * sizeof(*words));
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (pattern_match(commands[i].pattern, words, a->nr_words, &arg))
			return request_from_words(words, a->nr_words, a->json, &commands[i], arg, ret);
	if (!passthrough_allowed(words, a->nr_words))
		return usage_for_verb(words[0]);
	return request_from_words(words, a->nr_words, a->json, NULL, -1, ret);
}

void mpath_request_release(struct mpath_request *r)
{
	free(r->text);
	r->text = NULL;
}
