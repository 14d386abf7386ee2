/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw ICMP echo sockets bound to one NIC, and the Internet checksum: for the probes and the host checks. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * icmp_socket_open() - a non-blocking raw ICMP socket bound to @nic (SO_BINDTODEVICE) that
 * receives echo replies only.
 * @nic: the interface.
 * @probe_mtu: send with the don't-fragment bit, ignoring the path MTU the kernel learnt
 *             (IP_PMTUDISC_PROBE): a packet too large for the path is dropped on the way.
 *
 * Return: the socket, or -errno.
 */
int icmp_socket_open(const char *nic, bool probe_mtu);

/** icmp_checksum() - the Internet checksum of @len bytes at @data, in network order. */
uint16_t icmp_checksum(const void *data, size_t len);
