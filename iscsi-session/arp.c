/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One ARP request (RFC 826) over an AF_PACKET datagram socket: the kernel adds the Ethernet header. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "arp.h"
#include "util.h"

struct arp_ipv4 {
	struct arphdr h;
	uint8_t sha[ETH_ALEN];
	uint8_t spa[4];
	uint8_t tha[ETH_ALEN];
	uint8_t tpa[4];
} __attribute__((packed));

int arp_request_send(const char *nic, int ifindex, const char *source, const char *target)
{
	struct arp_ipv4 req = {
		.h = { .ar_hrd = htons(ARPHRD_ETHER), .ar_pro = htons(ETH_P_IP), .ar_hln = ETH_ALEN,
		       .ar_pln = 4, .ar_op = htons(ARPOP_REQUEST) },
	};
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN, .sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	struct ifreq ifr = { 0 };
	_cleanup_close_ int fd = -1;

	if (inet_pton(AF_INET, source, req.spa) != 1 || inet_pton(AF_INET, target, req.tpa) != 1)
		return -EAFNOSUPPORT;
	if (strlen(nic) >= sizeof(ifr.ifr_name))
		return -EINVAL;
	/* protocol 0: the socket sends only and receives nothing */
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	memcpy(ifr.ifr_name, nic, strlen(nic) + 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -EAFNOSUPPORT;
	memcpy(req.sha, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	if (sendto(fd, &req, sizeof(req), 0, (const struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}
