/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The multipath.conf tokenizer: splits text into lines of words, quoted strings and braces. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "util.h"

void cfg_lexer_init(struct cfg_lexer *lx, const char *text, size_t len)
{
	/* editors on other systems may start the file with a UTF-8 byte order mark */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	lx->p = text;
	lx->end = text + len;
	lx->lineno = 0;
}

void cfg_line_clear(struct cfg_line *line)
{
	for (size_t i = 0; i < line->n; i++)
		free(line->tok[i].text);
	line->n = 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* '#' and '!' start a comment only where a token could start, so that a
 * regex such as ^sd.!x written without quotes keeps its characters. */
static bool is_comment(char c)
{
	return c == '#' || c == '!';
}

static int line_push(struct cfg_line *line, enum cfg_token_kind kind, bool quoted, char *text)
{
	if (!text)
		return -ENOMEM;
	if (line->n == line->cap) {
		size_t cap = line->cap ? line->cap * 2 : 8;
		struct cfg_token *t = realloc(line->tok, cap * sizeof(*t));

		if (!t) {
			free(text);
			return -ENOMEM;
		}
		line->tok = t;
		line->cap = cap;
	}
	line->tok[line->n++] = (struct cfg_token) { kind, quoted, text };
	return 0;
}

/* A quoted string ends at the first '"' not doubled; "" inside stands for '"'. */
static int lex_quoted(const char **pp, const char *eol, struct cfg_line *line, const char **error)
{
	const char *p = *pp + 1;
	char *out = malloc(eol - p + 1);
	size_t n = 0;

	if (!out)
		return -ENOMEM;
	for (;;) {
		if (p >= eol) {
			free(out);
			*error = "unterminated quoted string";
			return -EINVAL;
		}
		if (*p == '"') {
			if (p + 1 < eol && p[1] == '"') {
				out[n++] = '"';
				p += 2;
				continue;
			}
			p++;
			break;
		}
		out[n++] = *p++;
	}
	out[n] = '\0';
	*pp = p;
	return line_push(line, CFG_TOK_WORD, true, out);
}

static int lex_word(const char **pp, const char *eol, struct cfg_line *line)
{
	const char *start = *pp, *p = start;

	while (p < eol && !is_blank(*p) && *p != '{' && *p != '}' && *p != '"')
		p++;
	*pp = p;
	return line_push(line, CFG_TOK_WORD, false, strndup(start, p - start));
}

static int lex_one_line(const char *p, const char *eol, struct cfg_line *line, const char **error)
{
	int r = 0;

	if (memchr(p, '\0', eol - p)) {
		*error = "NUL byte in line";
		return -EINVAL;
	}
	while (r >= 0) {
		while (p < eol && is_blank(*p))
			p++;
		if (p >= eol || is_comment(*p))
			break;
		if (*p == '{' || *p == '}') {
			r = line_push(line, *p == '{' ? CFG_TOK_OPEN : CFG_TOK_CLOSE, false,
				      strdup(*p == '{' ? "{" : "}"));
			p++;
		} else if (*p == '"') {
			r = lex_quoted(&p, eol, line, error);
		} else {
			r = lex_word(&p, eol, line);
		}
	}
	return r;
}

/*
 * Return the next line that holds tokens: 1 with @line filled, 0 at the end.
 * On a malformed line return -EINVAL with @error set and @line->lineno at the
 * bad line; the caller reports it and calls again to go on with the next line.
 */
int cfg_lexer_next(struct cfg_lexer *lx, struct cfg_line *line, const char **error)
{
	cfg_line_clear(line);
	while (lx->p < lx->end) {
		const char *eol = memchr(lx->p, '\n', lx->end - lx->p);
		const char *start = lx->p;
		int r;

		if (!eol)
			eol = lx->end;
		lx->p = eol < lx->end ? eol + 1 : eol;
		line->lineno = ++lx->lineno;
		r = lex_one_line(start, eol, line, error);
		if (r < 0) {
			cfg_line_clear(line);
			return r;
		}
		if (line->n > 0)
			return 1;
	}
	return 0;
}
