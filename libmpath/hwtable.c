/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The built-in per-array settings, applied below the user's devices entries and above defaults. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "config_internal.h"
#include "util.h"

/*
 * Values come from the vendors' public Linux host configuration guides as
 * far as we know them, cross-checked against what multipath-tools ships.
 * Where a vendor recommends a checker mpathd does not implement (rdac,
 * emc_clariion, hp_sw) the entry uses tur, which every one of these arrays
 * answers correctly. Entries are written as keyword/value text and go through
 * the same keyword handlers as multipath.conf, so a typo fails the unit tests.
 * Later entries win over earlier ones that match the same device.
 */

#define HW_KV_MAX 20

struct hw_kv {
	const char *key;
	const char *value;
};

struct hw_entry {
	const char *vendor;
	const char *product;
	const char *revision;
	struct hw_kv kv[HW_KV_MAX];
};

static const struct hw_entry hwtable[] = {
	/* Dell EqualLogic PS Series: Dell TR1065 "Configuring and Deploying the
	 * Dell EqualLogic Host Integration Toolkit for Linux" (one group of all
	 * paths, round-robin, immediate failback); 3 I/Os per path before
	 * switching is the round-robin value Dell's PS Series best-practices
	 * papers give for vSphere. eql-slice is mpathd's own locality selector. */
	{ "EQLOGIC", "100E-00", NULL, {
		{ "selector", "eql-slice" },
		{ "path_grouping_policy", "multibus" },
		{ "path_selector", "round-robin 0" },
		{ "path_checker", "tur" },
		{ "failback", "immediate" },
		{ "no_path_retry", "5" },
		{ "rr_min_io", "3" },
		{ "rr_min_io_rq", "3" },
		{ "rr_weight", "uniform" },
		{ "features", "0" },
		{ "hardware_handler", "0" },
	} },
	/* Linux LIO target, any backstore: LIO reports implicit ALUA through the
	 * default_tg_pt_gp target port group that targetcli creates (targetcli
	 * and kernel target documentation), so group by ALUA priority. */
	{ "LIO-ORG", ".*", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "hardware_handler", "1 alua" },
		{ "failback", "immediate" },
		{ "no_path_retry", "12" },
	} },
	/* LIO TCMU user backstores (Ceph iSCSI gateway): "Configuring the iSCSI
	 * Initiator for Linux" in the Ceph documentation. */
	{ "LIO-ORG", "TCMU device", NULL, {
		{ "path_grouping_policy", "failover" },
		{ "path_selector", "queue-length 0" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "prio_args", "exclusive_pref_bit" },
		{ "hardware_handler", "1 alua" },
		{ "failback", "60" },
		{ "fast_io_fail_tmo", "25" },
		{ "no_path_retry", "queue" },
	} },
	/* NetApp ONTAP (FAS/AFF/ASA): ONTAP SAN host configuration for RHEL,
	 * "Recommended settings" table (ontap prioritizer, detect_prio picks
	 * ALUA where the LUN reports it; the kernel attaches the handler). */
	{ "NETAPP", "LUN", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_selector", "service-time 0" },
		{ "path_checker", "tur" },
		{ "prio", "ontap" },
		{ "detect_prio", "yes" },
		{ "hardware_handler", "0" },
		{ "retain_attached_hw_handler", "yes" },
		{ "failback", "immediate" },
		{ "no_path_retry", "queue" },
		{ "features", "2 pg_init_retries 50" },
		{ "rr_weight", "uniform" },
		{ "flush_on_last_del", "always" },
		{ "fast_io_fail_tmo", "5" },
		{ "dev_loss_tmo", "infinity" },
		{ "user_friendly_names", "no" },
	} },
	/* NetApp E-Series and its OEM names: "E-Series Linux DM-MP configuration"
	 * (rdac checker there; the management LUN is excluded). */
	{ "(NETAPP|LSI|ENGENIO)", "INF-01-00", NULL, {
		{ "product_blacklist", "Universal Xport" },
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "hardware_handler", "1 alua" },
		{ "failback", "immediate" },
		{ "no_path_retry", "30" },
	} },
	/* Pure Storage FlashArray: "Linux Recommended Settings" knowledge base. */
	{ "PURE", "FlashArray", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_selector", "service-time 0" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "hardware_handler", "1 alua" },
		{ "failback", "immediate" },
		{ "fast_io_fail_tmo", "10" },
		{ "dev_loss_tmo", "600" },
		{ "no_path_retry", "fail" },
		{ "features", "0" },
	} },
	/* HPE 3PAR / Primera / Alletra 9000: "HPE 3PAR Red Hat Enterprise Linux
	 * and Oracle Linux Implementation Guide" (persona 2, ALUA). */
	{ "3PARdata", "VV", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_selector", "round-robin 0" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "hardware_handler", "1 alua" },
		{ "failback", "immediate" },
		{ "rr_weight", "uniform" },
		{ "rr_min_io_rq", "1" },
		{ "no_path_retry", "18" },
		{ "fast_io_fail_tmo", "10" },
		{ "dev_loss_tmo", "infinity" },
		{ "features", "0" },
	} },
	/* Dell EMC CLARiiON / VNX (Unified): "Dell EMC Host Connectivity Guide for
	 * Linux"; LUNZ is the gatekeeper LUN shown before storage is assigned. */
	{ "DGC", ".*", NULL, {
		{ "product_blacklist", "LUNZ" },
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_checker", "tur" },
		{ "prio", "emc" },
		{ "hardware_handler", "1 emc" },
		{ "failback", "immediate" },
		{ "no_path_retry", "60" },
		{ "detect_prio", "yes" },
		{ "retain_attached_hw_handler", "yes" },
	} },
	/* Dell EMC Symmetrix / VMAX / PowerMax: Host Connectivity Guide for Linux. */
	{ "EMC", "SYMMETRIX", NULL, {
		{ "path_grouping_policy", "multibus" },
		{ "path_checker", "tur" },
		{ "no_path_retry", "6" },
	} },
	/* Dell EMC XtremIO: "XtremIO Host Configuration Guide", Linux chapter. */
	{ "XtremIO", "XtremApp", NULL, {
		{ "path_grouping_policy", "multibus" },
		{ "path_selector", "queue-length 0" },
		{ "path_checker", "tur" },
		{ "rr_min_io_rq", "1" },
		{ "failback", "immediate" },
		{ "fast_io_fail_tmo", "15" },
	} },
	/* Dell PowerStore: "Dell PowerStore Host Configuration Guide", Linux. */
	{ "DellEMC", "PowerStore", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_selector", "queue-length 0" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "hardware_handler", "1 alua" },
		{ "detect_prio", "yes" },
		{ "failback", "immediate" },
		{ "rr_min_io_rq", "1" },
		{ "fast_io_fail_tmo", "15" },
		{ "no_path_retry", "3" },
	} },
	/* Dell SC Series (Compellent): "Dell SC Series Best Practices with Red Hat
	 * Enterprise Linux". */
	{ "COMPELNT", "Compellent Vol", NULL, {
		{ "path_grouping_policy", "multibus" },
		{ "path_checker", "tur" },
		{ "failback", "immediate" },
		{ "no_path_retry", "queue" },
	} },
	/* Dell PowerVault MD3xxx: "MD Series Storage Arrays Linux DM-MP
	 * configuration" (rdac checker and handler there; Universal Xport is the
	 * access LUN). */
	{ "DELL", "^MD3", NULL, {
		{ "product_blacklist", "Universal Xport" },
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_checker", "tur" },
		{ "prio", "rdac" },
		{ "hardware_handler", "1 rdac" },
		{ "failback", "immediate" },
		{ "no_path_retry", "30" },
	} },
	/* IBM SAN Volume Controller, Storwize, FlashSystem (2145): "IBM Spectrum
	 * Virtualize multipath settings for Linux hosts". */
	{ "IBM", "^2145", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_selector", "service-time 0" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "failback", "immediate" },
		{ "no_path_retry", "5" },
		{ "rr_weight", "uniform" },
		{ "rr_min_io_rq", "1" },
		{ "dev_loss_tmo", "120" },
	} },
	/* IBM XIV / Spectrum Accelerate: XIV Host Attachment Kit for Linux. */
	{ "(XIV|IBM)", "(NEXTRA|2810XIV)", NULL, {
		{ "path_grouping_policy", "multibus" },
		{ "path_checker", "tur" },
		{ "failback", "15" },
		{ "rr_min_io", "15" },
		{ "no_path_retry", "queue" },
	} },
	/* Hitachi VSP / USP (OPEN-V etc.), also sold as HP XP: Hitachi "Host
	 * Attachment Guide for Linux" (symmetric active-active). */
	{ "(HITACHI|HP)", "^OPEN-", NULL, {
		{ "path_grouping_policy", "multibus" },
		{ "path_checker", "tur" },
		{ "failback", "immediate" },
	} },
	/* Hitachi AMS 200/500/1000 (products DF600...): asymmetric controllers,
	 * owner paths found by the hds prioritizer; the Linux chapter of
	 * Hitachi's host installation guide for the AMS family. */
	{ "HITACHI", "^DF", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_checker", "tur" },
		{ "prio", "hds" },
		{ "failback", "immediate" },
	} },
	/* Hitachi AMS 2000 and HUS 100 (product DF600F): symmetric active-active
	 * controllers, so every path is equal; the Linux chapter of Hitachi's
	 * AMS 2000 family and Unified Storage host installation guides. Later
	 * than ^DF, so it wins. */
	{ "HITACHI", "^DF600F", NULL, {
		{ "path_grouping_policy", "multibus" },
		{ "path_checker", "tur" },
		{ "prio", "const" },
	} },
	/* HP/HPE MSA 1040/2040/1050/2050/1060/2060: "HPE MSA Best Practices,
	 * Linux multipath". */
	{ "(HP|HPE)", "MSA [12]0[456]0", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "failback", "immediate" },
		{ "no_path_retry", "18" },
	} },
	/* HPE Nimble Storage: "HPE Nimble Storage Linux Integration Guide". */
	{ "Nimble", "Server", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_selector", "service-time 0" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "hardware_handler", "1 alua" },
		{ "failback", "immediate" },
		{ "fast_io_fail_tmo", "5" },
		{ "dev_loss_tmo", "infinity" },
		{ "no_path_retry", "30" },
		{ "rr_weight", "uniform" },
		{ "rr_min_io_rq", "1" },
	} },
	/* Huawei OceanStor: "OceanStor Host Connectivity Guide for Red Hat",
	 * ALUA mode. */
	{ "HUAWEI", "XSG1", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "failback", "immediate" },
		{ "no_path_retry", "15" },
	} },
	/* Fujitsu ETERNUS DX: "ETERNUS Multipath Driver / DM-MP configuration". */
	{ "FUJITSU", "ETERNUS_DX(H|L|M|400|8000)", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "failback", "immediate" },
		{ "no_path_retry", "10" },
	} },
	/* Infinidat InfiniBox: "InfiniBox Host PowerTools / Linux best practices". */
	{ "NFINIDAT", "InfiniBox", NULL, {
		{ "path_grouping_policy", "group_by_prio" },
		{ "path_selector", "round-robin 0" },
		{ "path_checker", "tur" },
		{ "prio", "alua" },
		{ "failback", "30" },
		{ "rr_weight", "priorities" },
		{ "rr_min_io", "1" },
		{ "rr_min_io_rq", "1" },
		{ "no_path_retry", "fail" },
		{ "flush_on_last_del", "always" },
		{ "fast_io_fail_tmo", "15" },
		{ "dev_loss_tmo", "15" },
	} },
	/* NetApp SolidFire: "SolidFire Linux configuration" (active-active). */
	{ "SolidFir", "SSD SAN", NULL, {
		{ "path_grouping_policy", "multibus" },
		{ "path_checker", "tur" },
		{ "no_path_retry", "24" },
	} },
};

static int hw_entry_name(const struct hw_entry *e, char **ret)
{
	if (asprintf(ret, "%s %s%s%s", e->vendor, e->product, e->revision ? " " : "",
		     e->revision ? e->revision : "") < 0) {
		*ret = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int hw_entry_load(struct cfg_parser *p, const struct hw_entry *e,
			 struct mp_section *sec)
{
	int r = cfg_apply(p, sec, "vendor", e->vendor);

	if (r != -ENOMEM)
		r = cfg_apply(p, sec, "product", e->product);
	if (r != -ENOMEM && e->revision)
		r = cfg_apply(p, sec, "revision", e->revision);
	for (size_t i = 0; r != -ENOMEM && i < HW_KV_MAX && e->kv[i].key; i++)
		r = cfg_apply(p, sec, e->kv[i].key, e->kv[i].value);
	return r == -ENOMEM ? r : 0;
}

/* Errors here are reported as "built-in" diagnostics and fail the load. */
int cfg_hwtable_load(struct cfg_parser *p, struct mp_section *container)
{
	for (size_t i = 0; i < ARRAY_SIZE(hwtable); i++) {
		struct mp_section *sec = cfg_section_new(CFG_SEC_DEVICE, NULL, 0);
		int r;

		if (!sec || hw_entry_name(&hwtable[i], &sec->builtin_name) < 0 ||
		    cfg_section_add_child(container, sec) < 0) {
			cfg_section_free(sec);
			return -ENOMEM;
		}
		p->line = i + 1;
		r = hw_entry_load(p, &hwtable[i], sec);
		if (r < 0)
			return r;
	}
	return 0;
}
