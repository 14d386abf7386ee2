/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal interfaces of the mpath CLI: argument parsing, the command table, the dm fallback. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

/*
 * Exit codes, also listed by --help:
 *   0  success
 *   1  the daemon (or the device-mapper fallback) reported an error
 *   2  usage error
 *   3  the daemon is not reachable (not running, permission denied, connection lost)
 *   4  timeout: no complete reply within --timeout
 */
enum mpath_exit {
	MPATH_EXIT_OK = 0,
	MPATH_EXIT_ERROR = 1,
	MPATH_EXIT_USAGE = 2,
	MPATH_EXIT_UNREACHABLE = 3,
	MPATH_EXIT_TIMEOUT = 4,
};

#define MPATH_DEFAULT_TIMEOUT_MS 5000u
#define MPATH_MAX_TIMEOUT_MS (24u * 3600 * 1000)

enum mpath_mode {
	MPATH_MODE_WORDS,	/* words are the command */
	MPATH_MODE_LL,		/* -ll [map] */
	MPATH_MODE_L,		/* -l [map] */
	MPATH_MODE_HELP,
	MPATH_MODE_VERSION,
};

/** struct mpath_args - the parsed command line. */
struct mpath_args {
	enum mpath_mode mode;
	const char *socket;
	unsigned timeout_ms;
	bool json;
	int nr_words;
	char **words;		/* the non-option arguments, pointing into argv; NULL-terminated */
};

/**
 * mpath_args_parse() - parse argv; options may come before or after the words, "--" ends them.
 * Return: 0, -EINVAL after printing a usage error to stderr, -ENOMEM.
 */
int mpath_args_parse(int argc, char **argv, struct mpath_args *ret);
void mpath_args_release(struct mpath_args *a);
void mpath_usage(FILE *f);

/** struct mpath_request - what to send, and how to answer without a daemon. */
struct mpath_request {
	char *text;		/* the request line; owned */
	bool topology;		/* a topology view: may fall back to device-mapper */
	bool with_checker;	/* false for -l / "nocheck" */
	bool json;
	const char *map_filter;	/* the MAP of "show topology MAP" or "show map MAP", or NULL */
	bool wait_check;	/* "iscsi check": the reply names a check run; print its findings */
};

/**
 * mpath_request_build() - turn the parsed arguments into a request, checking known commands.
 * Return: 0, -EINVAL after printing a usage error, -ENOMEM.
 */
int mpath_request_build(const struct mpath_args *a, struct mpath_request *ret);
void mpath_request_release(struct mpath_request *r);
/** mpath_commands_usage() - the known commands, one per line, for --help. */
void mpath_commands_usage(FILE *f);
/** mpath_command_known_verb() - whether mpath checks commands starting with @word itself. */
bool mpath_command_known_verb(const char *word);

/** mpath_fallback_topology() - print @req's topology view from device-mapper; returns an exit code. */
int mpath_fallback_topology(const struct mpath_request *req);
