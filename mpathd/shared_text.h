/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Immutable, reference-counted text: printed configs that every snapshot shares instead of copying. */
#pragma once

/*
 * The loop creates a text and keeps one reference; each published snapshot
 * takes another. The last unref frees it, on whichever thread that happens
 * (the loop, or the RCU thread that frees an old snapshot).
 */
struct shared_text;

/**
 * shared_text_new() - a copy of @text with one reference.
 * @text: the text; not NULL.
 * @ret: receives the new text; untouched on failure.
 *
 * Return: 0 or -ENOMEM.
 */
int shared_text_new(const char *text, struct shared_text **ret);

/** shared_text_ref() - take a reference; accepts and returns NULL. */
struct shared_text *shared_text_ref(struct shared_text *t);

/** shared_text_unref() - drop a reference, freeing the text with the last one; accepts NULL, returns NULL. */
struct shared_text *shared_text_unref(struct shared_text *t);

/** shared_text_str() - the text; NULL for NULL. */
const char *shared_text_str(const struct shared_text *t);
