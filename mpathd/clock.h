/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's clock: CLOCK_MONOTONIC in microseconds, as every timer and deadline uses it. */
#pragma once

#include <stdint.h>

/** now_usec() - CLOCK_MONOTONIC now, in microseconds. */
uint64_t now_usec(void);
