/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One ARP request sent by hand, so a returning link resolves its neighbours now. */
#pragma once

/**
 * arp_request_send() - broadcast "who has @target, tell @source" on @nic.
 * @nic: the interface (its hardware address is the sender's).
 * @ifindex: its index.
 * @source: an IPv4 address of @nic, in text form.
 * @target: the IPv4 address asked for.
 *
 * A NIC whose carrier returns may hold neighbour entries still INCOMPLETE from packets sent
 * while the link was dead; the kernel asks again only at its next retransmission (a second
 * later), and every packet to that address waits meanwhile, a login's SYN included. The
 * reply to this request fills the entry at once (the kernel takes any reply for an entry it
 * has). The socket is non-blocking and closed before returning.
 *
 * Return: 0, -EAFNOSUPPORT for an address that is not IPv4, or -errno.
 */
int arp_request_send(const char *nic, int ifindex, const char *source, const char *target);
