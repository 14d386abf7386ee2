/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw ICMP echo sockets bound to one NIC, and the Internet checksum (RFC 1071). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "icmp.h"

int icmp_socket_open(const char *nic, bool probe_mtu)
{
	struct icmp_filter filter = { .data = ~(1U << ICMP_ECHOREPLY) };
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	int pmtu = IP_PMTUDISC_PROBE, r;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, nic, strlen(nic) + 1) < 0 ||
	    setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof(filter)) < 0 ||
	    (probe_mtu && setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0)) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

uint16_t icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}
